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
      this.report(readCount(document));
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

  private async _fetch(url: string | undefined): Promise<void> {
    if (!url) return;
    try {
      this.report(readCount(await readJson(url)));
    } catch {
      // A counter is a nicety: without it the appeal and the form still work.
    }
  }
}
