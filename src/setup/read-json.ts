/** Reads what the widget renders from: campaign documents, locale files, icons and counts. */

/** How long a read may take: a server that never answers must not leave the widget blank for ever. */
export const READ_TIMEOUT_MS = 10_000;
/** The most characters read: a document or locale file is a few KB, a wrong URL could be anything. */
export const MAX_READ_LENGTH = 262_144;

/**
 * GETs `url` and parses its body as JSON. Rejects with a TypeError or TimeoutError when nothing
 * answers (the network, CORS, the timeout), an Error for an answer refused (not 2xx, too large),
 * a SyntaxError for one that is not JSON.
 */
export async function readJson(url: string): Promise<unknown> {
  // The timeout also covers the body: one that trickles for ever is cut off with the rest. No Accept
  // header (the count used to send one): 25 B of the budget, and every known endpoint answers JSON anyway.
  const signal = AbortSignal.timeout(READ_TIMEOUT_MS);
  let text: string;
  try {
    const response = await fetch(url, { credentials: 'omit', signal });
    if (!response.ok) throw Error(`HTTP ${response.status}`);
    text = await response.text();
  } catch (error) {
    // WebKit rejects a timed-out fetch with an AbortError, not the signal's TimeoutError.
    throw signal.aborted ? signal.reason : error;
  }
  if (text.length > MAX_READ_LENGTH) throw Error('too large');
  return JSON.parse(text);
}

/** Reads `{"count": N}` from a JSON body (a count-url's, a campaign document's, a signature's answer); undefined for anything else. */
export function readCount(body: unknown): number | undefined {
  const count = (body as { count?: unknown } | null | undefined)?.count;
  return typeof count === 'number' && Number.isSafeInteger(count) && count >= 0 ? count : undefined;
}
