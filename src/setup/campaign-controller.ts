import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { emit } from '../events.js';
import {
  letterFor,
  loadCampaignDocument,
  pickLanguage,
  type CampaignDocument,
  type CampaignDocumentError,
  type CampaignTexts,
  type LetterText,
} from './campaign-document.js';
import type { LanguageController } from './language-controller.js';
import { httpUrl } from './read-config.js';

/** The element whose campaign document this controller loads. */
export type CampaignHost = ReactiveControllerHost & HTMLElement & { campaign?: string; campaignUrl?: string };

/**
 * Loads the campaign document named by the host's `campaign-url` (again whenever it changes), and
 * answers for it in the widget's language: its texts, its letter, its id.
 */
export class CampaignController implements ReactiveController {
  /** The document, once loaded and valid. */
  document: CampaignDocument | undefined;
  /** What is wrong with the document, for the site owner; not set when nothing answered at all. */
  problem: CampaignDocumentError | undefined;
  /** Whether the first load is over, whatever its result: the first render waits for it. */
  settled = false;
  private _url: string | undefined;
  private _loading: Promise<void> | undefined;

  constructor(
    private readonly _host: CampaignHost,
    private readonly _language: LanguageController,
  ) {
    _host.addController(this);
  }

  hostUpdate(): void {
    const url = httpUrl(this._host.campaignUrl)?.href;
    if (!this._loading || url !== this._url) this._load(url);
  }

  /** Resolves once the document of the current `campaign-url` is loaded or has failed. */
  get loaded(): Promise<void> {
    return this._loading ?? Promise.resolve();
  }

  /** The document's language whose texts are shown: the signer's pick or the widget's, else English, else the first. */
  get textLanguage(): string | undefined {
    return pickLanguage(this.document?.texts ?? {}, this._language.chosen ?? this._language.locale);
  }

  /** The document's texts in `textLanguage`, if it has any. */
  get texts(): CampaignTexts | undefined {
    return this.document?.texts[this.textLanguage ?? ''];
  }

  /** The letter to the target in the widget's language, if the document has one. */
  get letter(): LetterText | undefined {
    return this.document && letterFor(this.document, this._language.locale);
  }

  /** The `campaign` attribute, else the document's `id`. */
  get id(): string {
    return this._host.campaign || this.document?.id || '';
  }

  private _load(url: string | undefined): void {
    this._url = url;
    this._loading = (url ? loadCampaignDocument(url) : Promise.resolve(undefined)).then((result) => {
      // A document for an earlier campaign-url that answers late must not replace the current one.
      if (url !== this._url) return;
      const error = result && 'error' in result ? result.error : undefined;
      this.document = result && 'document' in result ? result.document : undefined;
      // Nothing answered: the appeal still shows, from the page's own slots and the English defaults.
      if (error?.unanswered) emit(this._host, 'appeal-error', { kind: error.unanswered, message: `${url}: ${error.values.detail}` });
      this.problem = error?.unanswered ? undefined : error;
      this.settled = true;
      this._host.requestUpdate();
    });
  }
}
