import type { SignaturePayload } from '../../contract/signature.js';
import { readCount } from '../../setup/read-json.js';
import { toFormBody } from './payload.js';

/** How long a send may take before it counts as failed and the signature waits in the queue. */
export const SEND_TIMEOUT_MS = 15_000;

/** What became of one attempt to send, as the widget acts on it (SPEC §4.3). */
export type SendOutcome =
  | { kind: 'signed'; status: number; body: unknown; count?: number }
  | { kind: 'already-signed'; status: number; body: unknown; count?: number }
  | { kind: 'invalid'; status: number; errors: Record<string, string> }
  | { kind: 'rate-limited'; status: number; retryAfterSeconds: number }
  | { kind: 'rejected'; status: number; reason: string }
  | { kind: 'closed'; status: number }
  | { kind: 'failed'; reason: 'network' | 'timeout' | 'server'; status?: number };

/** Where and how to send. */
export interface Destination {
  endpoint: string;
  format: 'json' | 'form';
}

/** POSTs `payload` once and classifies the answer; never throws. */
export async function sendSignature(
  destination: Destination,
  payload: SignaturePayload,
  timeoutMs = SEND_TIMEOUT_MS,
): Promise<SendOutcome> {
  const json = destination.format === 'json';
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(destination.endpoint, {
      method: 'POST',
      // The form format is a CORS "simple request" sent without CORS: a plain form handler on another
      // site answers without Access-Control headers, and a CORS request could never see it succeed
      // (it would be re-sent for ever). Its answer is then unreadable: it counts as delivered.
      mode: json ? 'cors' : 'no-cors',
      body: json ? JSON.stringify(payload) : toFormBody(payload),
      headers: json ? { 'Content-Type': 'application/json' } : {},
      // A redirect is never a signature stored: 301–303 turn the POST into a GET of some page (an
      // http→https or trailing-slash redirect, a captive portal), 307/308 re-post it wherever Location
      // says. It fails (a network error) and is retried. The form format must follow: a cross-origin
      // no-cors request that does not follow redirects always fails (https://fetch.spec.whatwg.org/#main-fetch),
      // and plain form handlers answer a POST with a 303 to their thank-you page.
      redirect: json ? 'error' : 'follow',
      credentials: 'omit',
      signal,
    });
    if (response.type === 'opaque') return { kind: 'signed', status: 0, body: undefined };
    let body: unknown = await response.text();
    let answered = true;
    try {
      body = JSON.parse(body as string);
    } catch {
      // A body that is not JSON stays text, and is not a signature: a CMS page or a captive portal
      // answered for the endpoint. An empty body (204) is the endpoint's own terse yes: no catch-all
      // page is empty, and retrying it for 30 days would hammer a plain endpoint.
      answered = !body;
    }
    return classify(response, body, answered);
  } catch {
    // Asked of the signal, not the error's name: WebKit rejects a timed-out fetch with an AbortError.
    return { kind: 'failed', reason: signal.aborted ? 'timeout' : 'network' };
  }
}

/** Seconds to wait from a `Retry-After` header in seconds; 30 when absent or in another form (an HTTP date). */
export function retryAfterSeconds(header: string | null): number {
  const seconds = header?.trim() ? Number(header) : NaN;
  return seconds >= 0 ? Math.ceil(seconds) : 30;
}

function classify(response: Response, body: unknown, json: boolean): SendOutcome {
  const { status } = response;
  const { errors, error } = (body ?? {}) as { errors?: unknown; error?: unknown };
  if (response.ok && json) return { kind: 'signed', status, body, count: readCount(body) };
  if (status === 409) return { kind: 'already-signed', status, body, count: readCount(body) };
  // The campaign is closed (SPEC §4.3): final, like a refusal, but the widget says so instead of the form.
  if (status === 410) return { kind: 'closed', status };
  if (status === 429) {
    return { kind: 'rate-limited', status, retryAfterSeconds: retryAfterSeconds(response.headers.get('Retry-After')) };
  }
  if ((status === 400 || status === 422) && errors && typeof errors === 'object') {
    const messages = Object.entries(errors).map(([key, message]) => [key, String(message)]);
    if (messages.length) return { kind: 'invalid', status, errors: Object.fromEntries(messages) };
  }
  // A 2xx that is not JSON is not the endpoint speaking: a CMS page or a captive portal answered for it.
  if (status > 499 || status === 408 || status < 300) return { kind: 'failed', reason: 'server', status };
  return { kind: 'rejected', status, reason: String(error ?? (typeof body === 'string' ? body : '')).slice(0, 200) };
}
