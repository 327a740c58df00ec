import { readCount } from '../counter/count-controller.js';
import { toFormBody, type SignaturePayload } from './payload.js';

/** How long a send may take before it counts as failed and the signature waits in the queue. */
export const SEND_TIMEOUT_MS = 15_000;

/** What became of one attempt to send, as the widget acts on it (SPEC §4.3). */
export type SendOutcome =
  | { kind: 'signed'; status: number; body: unknown; count?: number }
  | { kind: 'already-signed'; status: number; body: unknown; count?: number }
  | { kind: 'invalid'; status: number; errors: Record<string, string> }
  | { kind: 'rate-limited'; status: number; retryAfterSeconds: number }
  | { kind: 'rejected'; status: number; reason: string }
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
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(destination.endpoint, {
      method: 'POST',
      // The form format stays a CORS "simple request": no preflight, so plain form handlers work.
      ...(destination.format === 'form'
        ? { body: toFormBody(payload) }
        : { body: JSON.stringify(payload), headers: { 'Content-Type': 'application/json' } }),
      credentials: 'omit',
      keepalive: false,
      signal: controller.signal,
    });
    const body = await readBody(response);
    return classify(response, body);
  } catch {
    return { kind: 'failed', reason: controller.signal.aborted ? 'timeout' : 'network' };
  } finally {
    clearTimeout(timer);
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function fieldErrors(body: unknown): Record<string, string> {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  const result: Record<string, string> = {};
  if (errors && typeof errors === 'object') {
    for (const [key, message] of Object.entries(errors)) {
      if (typeof message === 'string') result[key] = message;
    }
  }
  return result;
}

/** Seconds to wait from a `Retry-After` header (seconds or HTTP date); 30 when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number {
  if (header?.trim()) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - now) / 1000));
  }
  return 30;
}

function classify(response: Response, body: unknown): SendOutcome {
  const { status } = response;
  if (status >= 200 && status < 300) return { kind: 'signed', status, body, count: readCount(body) };
  if (status === 409) return { kind: 'already-signed', status, body, count: readCount(body) };
  if (status === 429) {
    return { kind: 'rate-limited', status, retryAfterSeconds: retryAfterSeconds(response.headers.get('Retry-After')) };
  }
  if (status === 400 || status === 422) {
    const errors = fieldErrors(body);
    if (Object.keys(errors).length) return { kind: 'invalid', status, errors };
  }
  if (status >= 500 || status === 408) return { kind: 'failed', reason: 'server', status };
  const reason =
    typeof body === 'string' ? body.slice(0, 200) : String((body as { error?: unknown } | undefined)?.error ?? '');
  return { kind: 'rejected', status, reason };
}
