import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { SignaturePayload } from './payload.js';
import { sendSignature, type Destination, type SendOutcome } from './send-signature.js';

/** A signature waiting to be delivered, as kept in `localStorage` under its `id`. */
export interface QueuedSignature {
  payload: SignaturePayload;
  destination: Destination;
  queuedAt: number;
}

/** Prefix of the `localStorage` keys that hold queued signatures. */
export const QUEUE_KEY_PREFIX = 'appeal-widget:signature:';
/** A queued signature older than this is dropped: the campaign has moved on, and it is personal data. */
export const QUEUE_MAX_AGE_MS = 30 * 864e5;

/** Delay before retry number `attempt` (1, 2, …): doubling from 1 s, capped at 5 min, with up to 20 % jitter. */
export function backoffDelay(attempt: number, random = Math.random): number {
  // The jitter keeps many signers who come back online at once from all knocking together.
  return Math.round(Math.min(3e5, 1000 * 2 ** (attempt - 1)) * (1 + 0.2 * random()));
}

/** Hears what became of a queued signature when it is retried. */
export type DeliveryListener = (payload: SignaturePayload, outcome: SendOutcome) => void;

// Ids being sent by some widget on this page, so two widgets never send the same signature at once.
const inFlight = new Set<string>();
// Every widget hears every retry: the widget that retries a signature need not be the one that took it.
const listeners = new Set<DeliveryListener>();

function storage(): Storage | undefined {
  try {
    // NOTE: merely reading `localStorage` throws where storage is blocked (private modes, sandboxed frames).
    localStorage.setItem(QUEUE_KEY_PREFIX, '');
    localStorage.removeItem(QUEUE_KEY_PREFIX);
    return localStorage;
  } catch {
    return undefined;
  }
}

/**
 * Delivers signatures and loses none: a failed send waits in `localStorage` and is retried with
 * backoff, when the browser comes back online, and on the next page load with the widget on the site.
 */
export class DeliveryController implements ReactiveController {
  /** Where failed signatures wait; undefined where the browser refuses storage. */
  readonly store = storage();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly attempts = new Map<string, number>();

  constructor(
    host: ReactiveControllerHost,
    private readonly onOutcome: DeliveryListener,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    listeners.add(this.onOutcome);
    addEventListener('online', this.retryAll);
    this.retryAll();
  }

  hostDisconnected(): void {
    listeners.delete(this.onOutcome);
    removeEventListener('online', this.retryAll);
    this.timers.forEach(clearTimeout);
    this.timers.clear();
  }

  /** Sends `payload` now; on failure it is queued and retried. Resolves with this first attempt's outcome. */
  async send(payload: SignaturePayload, destination: Destination): Promise<SendOutcome> {
    return (await this.attempt({ payload, destination, queuedAt: Date.now() })) ?? { kind: 'failed', reason: 'network' };
  }

  /** Re-sends every queued signature now (the browser is back online, or the page just loaded). */
  readonly retryAll = (): void => {
    for (let index = this.store?.length ?? 0; index--; ) {
      const key = this.store!.key(index)!;
      if (!key.startsWith(QUEUE_KEY_PREFIX) || key === QUEUE_KEY_PREFIX) continue;
      let entry: QueuedSignature | undefined;
      try {
        entry = JSON.parse(this.store!.getItem(key)!) as QueuedSignature;
      } catch {
        // An unreadable entry is dropped below.
      }
      if (entry?.payload?.id && entry.destination?.endpoint && Date.now() - entry.queuedAt < QUEUE_MAX_AGE_MS) {
        void this.attempt(entry, true);
      } else {
        this.store!.removeItem(key);
      }
    }
  };

  private async attempt(entry: QueuedSignature, background = false): Promise<SendOutcome | undefined> {
    const { id } = entry.payload;
    const key = QUEUE_KEY_PREFIX + id;
    clearTimeout(this.timers.get(id));
    if (inFlight.has(id)) return undefined;
    inFlight.add(id);
    // Kept before sending: a page closed while the send hangs still has it for the next visit.
    try {
      this.store?.setItem(key, JSON.stringify(entry));
    } catch {
      // A full or vanished storage still leaves the in-page retries below.
    }
    const outcome = await sendSignature(entry.destination, entry.payload);
    inFlight.delete(id);
    if (outcome.kind === 'failed' || outcome.kind === 'rate-limited') {
      const attempt = (this.attempts.get(id) ?? 0) + 1;
      this.attempts.set(id, attempt);
      const delay = outcome.kind === 'rate-limited' ? outcome.retryAfterSeconds * 1000 : backoffDelay(attempt);
      if (listeners.has(this.onOutcome)) this.timers.set(id, setTimeout(() => void this.attempt(entry, true), delay));
    } else {
      // Signed, already signed, or refused for good: nothing more to send.
      this.store?.removeItem(key);
      this.attempts.delete(id);
    }
    if (background) listeners.forEach((listener) => listener(entry.payload, outcome));
    return outcome;
  }
}
