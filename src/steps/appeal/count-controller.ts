import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CampaignController } from '../../setup/campaign-controller.js';
import type { CampaignDocument } from '../../setup/campaign-document.js';
import { httpUrl } from '../../setup/read-config.js';
import { readCount, readJson } from '../../setup/read-json.js';

/**
 * Keeps the live signature count: the campaign document's when it carries one (the receiver's
 * `GET /api/campaigns/<id>`), else fetched from `count-url`, then the count each accepted
 * signature's answer reports.
 */
export class CountController implements ReactiveController {
  /** The latest known count; undefined while unknown, and then no counter is shown. */
  count: number | undefined;
  /**
   * The reference receiver's form token, from its campaign document or its count: the first one,
   * issued as the form appeared, so the receiver can tell a person who read the form from a script.
   */
  token: unknown;
  /** The receiver's proof-of-work challenge, when the campaign turned proof of work on (steps/form/proof-of-work.ts). */
  pow: unknown;
  private _url: string | undefined;
  private _document: CampaignDocument | undefined;

  constructor(
    private readonly _host: ReactiveControllerHost & { countUrl?: string },
    private readonly _campaign: CampaignController,
  ) {
    _host.addController(this);
  }

  hostUpdate(): void {
    const { document } = this._campaign;
    if (document !== this._document) {
      this._document = document;
      this._read(document);
    }
    const url = httpUrl(this._host.countUrl)?.href;
    if (url !== this._url) {
      this._url = url;
      // A document that carries the count makes the count-url request needless.
      void this._campaign.loaded.then(() => void (readCount(this._campaign.document) ?? this._fetch(url)));
    }
  }

  /** Takes a count reported by the endpoint, never moving backwards past a signer's own signature. */
  report(count: number | undefined): void {
    if (count === undefined) return;
    this.count = Math.max(count, this.count ?? 0);
    this._host.requestUpdate();
  }

  private _read(body: unknown): void {
    const { formToken, pow } = (body ?? {}) as { formToken?: unknown; pow?: unknown };
    this.token ??= formToken;
    this.pow ??= pow;
    this.report(readCount(body));
  }

  private async _fetch(url: string | undefined): Promise<void> {
    if (!url) return;
    try {
      this._read(await readJson(url));
    } catch {
      // A counter is a nicety: without it the appeal and the form still work.
    }
  }
}
