import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { SignaturePayload } from '../../contract/signature.js';
import { nextPaint } from '../after-paint.js';
import { sendSignature, type Destination, type SendOutcome } from './send-signature.js';

/** A signature waiting to be delivered, as kept in `localStorage` under its `id`. */
export interface QueuedSignature {
  payload: SignaturePayload;
  destination: Destination;
  queuedAt: number;
  /** Sends tried so far from this page. */
  attempts?: number;
}

/** Prefix of the `localStorage` keys that hold queued signatures. */
export const QUEUE_KEY_PREFIX = 'appeal-widget:signature:';
/** A queued signature older than this is dropped: the campaign has moved on, and it is personal data. */
export const QUEUE_MAX_AGE_MS = 30 * 864e5;

/** Most queued signatures sent at one page load or `online` event: a planted flood is not posted in one go. */
export const QUEUE_BATCH = 20;

const UUID = /^[\da-f]{8}(-[\da-f]{4}){3}-[\da-f]{12}$/;

/**
 * Whether `entry`, read under `key`, is a signature as a widget queues it: anything on the origin can
 * write to `localStorage`, so a key that is not its payload's id, a date in the future or past the
 * maximum age, or a payload of another shape is not sent anywhere.
 */
export function isQueuedSignature(key: string, entry: unknown): entry is QueuedSignature {
  const { payload, queuedAt } = (entry ?? {}) as Partial<QueuedSignature>;
  const age = Date.now() - queuedAt!;
  return (
    age >= 0 &&
    age < QUEUE_MAX_AGE_MS &&
    UUID.test(payload?.id!) &&
    key === QUEUE_KEY_PREFIX + payload!.id &&
    typeof payload!.campaign === 'string' &&
    payload!.signer instanceof Object
  );
}

/** Delay before retry number `attempt` (1, 2, …): doubling from 1 s, capped at 5 min, with up to 20 % jitter. */
export function backoffDelay(attempt: number, random = Math.random): number {
  // The jitter keeps many signers who come back online at once from all knocking together.
  return Math.round(Math.min(3e5, 1000 * 2 ** (attempt - 1)) * (1 + 0.2 * random()));
}

/** Hears what became of a queued signature when it is retried. */
export type DeliveryListener = (payload: SignaturePayload, outcome: SendOutcome) => void;

// Signatures being sent by some widget on this page, by id: a second send of the same one waits for it.
const inFlight = new Map<string, Promise<SendOutcome>>();
// Every widget hears every retry: the widget that retries a signature need not be the one that took it.
const listeners = new Set<DeliveryListener>();
// Ids of the signatures some widget on this page has a backoff timer for.
const scheduled = new Set<string>();

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
  private _store: (Storage | undefined)[] | undefined;
  private readonly _timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    host: ReactiveControllerHost,
    private readonly _onOutcome: DeliveryListener,
    /** This widget's endpoint and format, once its configuration is read. */
    private readonly _sendsTo: () => Destination | undefined,
  ) {
    host.addController(this);
  }

  /**
   * Where failed signatures wait; undefined where the browser refuses storage. Probed at first use:
   * a page's first storage access can take tens of ms, which the form's first render need not wait for.
   */
  get queueStore(): Storage | undefined {
    return (this._store ??= [storage()])[0];
  }

  hostConnected(): void {
    listeners.add(this._onOutcome);
    addEventListener('online', this._retryAll);
    // After the host's first update, which reads the destination from its attributes, and its first
    // paint. Only what no widget here is already waiting to retry: a slow or throttled timer (WebKit)
    // that fires after a first send failed must not skip that send's backoff.
    void nextPaint().then(() => this._retryQueued(false));
  }

  hostDisconnected(): void {
    listeners.delete(this._onOutcome);
    removeEventListener('online', this._retryAll);
    this._timers.forEach((timer, id) => {
      clearTimeout(timer);
      scheduled.delete(id);
    });
    this._timers.clear();
  }

  /** Sends `payload` now (or waits for the send already under way); on failure it is queued and retried. */
  send(payload: SignaturePayload, destination: Destination): Promise<SendOutcome> {
    return this._attempt({ payload, destination, queuedAt: Date.now() });
  }

  /**
   * Re-sends the signatures queued for this widget's endpoint and format now (the browser is back
   * online, or the page just loaded). Those for other destinations are left to the widgets that
   * send there; unreadable, malformed and expired entries are dropped.
   */
  private readonly _retryAll = (): void => this._retryQueued(true);

  private _retryQueued(evenScheduled: boolean): void {
    const mine = this._sendsTo();
    let sent = 0;
    for (let index = this.queueStore?.length ?? 0; index--; ) {
      const key = this.queueStore!.key(index)!;
      // The bare prefix, storage()'s probe, fails isQueuedSignature: dropping it is harmless.
      if (!key.startsWith(QUEUE_KEY_PREFIX)) continue;
      let entry: unknown;
      try {
        entry = JSON.parse(this.queueStore!.getItem(key)!);
      } catch {
        // An unreadable entry is dropped below.
      }
      if (!isQueuedSignature(key, entry)) this.queueStore!.removeItem(key);
      // Compared whole: an entry whose destination carries anything more is not this widget's either.
      else if (mine && JSON.stringify(entry.destination) === JSON.stringify(mine) && (evenScheduled || !scheduled.has(entry.payload.id)) && sent++ < QUEUE_BATCH) {
        void this._attempt(entry, true);
      }
    }
  }

  private async _attempt(entry: QueuedSignature, background = false): Promise<SendOutcome> {
    const { id } = entry.payload;
    const key = QUEUE_KEY_PREFIX + id;
    clearTimeout(this._timers.get(id));
    this._timers.delete(id);
    scheduled.delete(id);
    const running = inFlight.get(id);
    if (running) return running;
    // Kept before sending: a page closed while the send hangs still has it for the next visit.
    try {
      this.queueStore?.setItem(key, JSON.stringify(entry));
    } catch {
      // A full or vanished storage still leaves the in-page retries below.
    }
    const sending = sendSignature(entry.destination, entry.payload);
    inFlight.set(id, sending);
    const outcome = await sending;
    inFlight.delete(id);
    if (outcome.kind === 'failed' || outcome.kind === 'rate-limited') {
      // Counted on the entry, so a retry started by another widget on the page continues the backoff.
      const attempt = (entry.attempts = (entry.attempts ?? 0) + 1);
      // Retry-After may say 0: never sooner than the backoff, and never later than 5 min.
      const delay = Math.min(3e5, Math.max(backoffDelay(attempt), outcome.kind === 'rate-limited' ? outcome.retryAfterSeconds * 1000 : 0));
      if (listeners.has(this._onOutcome)) {
        this._timers.set(id, setTimeout(() => void this._attempt(entry, true), delay));
        scheduled.add(id);
      }
    } else {
      // Signed, already signed, or refused for good: nothing more to send.
      this.queueStore?.removeItem(key);
    }
    if (background) listeners.forEach((listener) => listener(entry.payload, outcome));
    return outcome;
  }
}
