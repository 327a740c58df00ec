/** The signer's Mastodon server, remembered on this site so they are asked only once. */

const KEY = 'appeal-widget:mastodon-instance';

/** The remembered instance host, if any. */
export function rememberedInstance(): string | undefined {
  try {
    return localStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Remembers `host` for next time (silently skipped where storage is blocked). */
export function rememberInstance(host: string): void {
  try {
    localStorage.setItem(KEY, host);
  } catch {
    // Without storage the signer is simply asked again next time.
  }
}
