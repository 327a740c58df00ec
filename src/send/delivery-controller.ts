import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { SignaturePayload } from './payload.js';
import { sendSignature, type Destination, type SendOutcome } from './send-signature.js';
import { SignatureQueue } from './signature-queue.js';

/** Outcomes after which a signature is settled for good and leaves the queue. */
const FINAL_KINDS: ReadonlySet<SendOutcome['kind']> = new Set(['signed', 'already-signed', 'invalid', 'rejected']);

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 5 * 60_000;

/** Delay before retry number `attempt` (1, 2, …): doubling from 1 s, capped at 5 min, with jitter. */
export function backoffDelay(attempt: number, random = Math.random): number {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
  // Up to 20 % jitter, so many signers coming back online do not all knock at once.
  return Math.round(base * (1 + 0.2 * random()));
}

/** Hears what became of a queued signature when it is retried. */
export type DeliveryListener = (payload: SignaturePayload, outcome: SendOutcome) => void;

// Ids being sent by some widget on this page, so two widgets never send the same queued signature at once.
const inFlight = new Set<string>();
// Every widget hears every retry: the widget that retries a signature need not be the one that took it.
const listeners = new Set<DeliveryListener>();

/**
 * Delivers signatures and loses none: a failed send waits in `localStorage` and is retried with
 * backoff, when the browser comes back online, and on the next page load with the widget.
 */
export class DeliveryController implements ReactiveController {
  private readonly queue = new SignatureQueue();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly attempts = new Map<string, number>();
  private connected = false;

  constructor(
    host: ReactiveControllerHost,
    private readonly onOutcome: DeliveryListener,
  ) {
    host.addController(this);
  }

  /** Whether a failed signature survives a page reload. */
  get persistent(): boolean {
    return this.queue.persistent;
  }

  hostConnected(): void {
    this.connected = true;
    listeners.add(this.onOutcome);
    window.addEventListener('online', this.retryAll);
    this.retryAll();
  }

  hostDisconnected(): void {
    this.connected = false;
    listeners.delete(this.onOutcome);
    window.removeEventListener('online', this.retryAll);
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** Sends `payload` now; on failure it is queued and retried. Resolves with the first attempt's outcome. */
  async send(payload: SignaturePayload, destination: Destination): Promise<SendOutcome> {
    this.cancelTimer(payload.id);
    const outcome = await this.attempt({ payload, destination, queuedAt: Date.now() }, false);
    return outcome ?? { kind: 'failed', reason: 'network' };
  }

  /** Re-sends every queued signature now (the browser is back online, or the page just loaded). */
  readonly retryAll = (): void => {
    for (const entry of this.queue.entries()) {
      this.cancelTimer(entry.payload.id);
      void this.attempt(entry, true);
    }
  };

  private async attempt(
    entry: { payload: SignaturePayload; destination: Destination; queuedAt: number },
    background: boolean,
  ): Promise<SendOutcome | undefined> {
    const { id } = entry.payload;
    if (inFlight.has(id)) return undefined;
    inFlight.add(id);
    let outcome: SendOutcome;
    try {
      outcome = await sendSignature(entry.destination, entry.payload);
    } finally {
      inFlight.delete(id);
    }
    if (FINAL_KINDS.has(outcome.kind)) {
      this.queue.remove(id);
      this.attempts.delete(id);
    } else {
      this.queue.put(entry);
      const attempt = (this.attempts.get(id) ?? 0) + 1;
      this.attempts.set(id, attempt);
      const delay =
        outcome.kind === 'rate-limited' ? outcome.retryAfterSeconds * 1000 : backoffDelay(attempt);
      this.schedule(entry, delay);
    }
    if (background) for (const listener of listeners) listener(entry.payload, outcome);
    return outcome;
  }

  private schedule(entry: { payload: SignaturePayload; destination: Destination; queuedAt: number }, delay: number): void {
    if (!this.connected) return;
    this.cancelTimer(entry.payload.id);
    this.timers.set(
      entry.payload.id,
      setTimeout(() => {
        this.timers.delete(entry.payload.id);
        void this.attempt(entry, true);
      }, delay),
    );
  }

  private cancelTimer(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }
}
