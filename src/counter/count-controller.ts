import type { ReactiveControllerHost } from 'lit';
import { readJson } from '../read-json.js';

/** Reads `{"count": N}` from a JSON body; undefined for anything else. */
export function readCount(body: unknown): number | undefined {
  const count = (body as { count?: unknown } | null | undefined)?.count;
  return typeof count === 'number' && Number.isSafeInteger(count) && count >= 0 ? count : undefined;
}

/** Keeps the live signature count: fetched from `count-url`, then taken from each accepted signature. */
export class CountController {
  /** The latest known count; undefined while unknown, and then no counter is shown. */
  count: number | undefined;
  private url: string | undefined;

  constructor(private readonly host: ReactiveControllerHost) {}

  /** Fetches the count from `url` (once per distinct URL); failures leave the count unknown. */
  async load(url: string | undefined): Promise<void> {
    if (!url || url === this.url) return;
    this.url = url;
    try {
      this.update(readCount(await readJson(url)));
    } catch {
      // A counter is a nicety: without it the appeal and the form still work.
    }
  }

  /** Takes a count reported by the endpoint, never moving backwards past a signer's own signature. */
  update(count: number | undefined): void {
    if (count === undefined) return;
    this.count = Math.max(count, this.count ?? 0);
    this.host.requestUpdate();
  }
}
