import type { SignaturePayload } from './payload.js';
import type { Destination } from './send-signature.js';

/** A signature waiting to be delivered, as kept in `localStorage` under its `id`. */
export interface QueuedSignature {
  payload: SignaturePayload;
  destination: Destination;
  queuedAt: number;
}

const KEY_PREFIX = 'appeal-widget:signature:';
/** A signature older than this is dropped: the campaign has likely moved on, and it is personal data. */
export const QUEUE_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

function openStorage(): Storage | undefined {
  try {
    // NOTE: merely reading `localStorage` throws where storage is blocked (Safari private mode, sandboxed iframes).
    const storage = window.localStorage;
    const probe = `${KEY_PREFIX}probe`;
    storage.setItem(probe, '1');
    storage.removeItem(probe);
    return storage;
  } catch {
    return undefined;
  }
}

function isQueuedSignature(value: unknown): value is QueuedSignature {
  const entry = value as Partial<QueuedSignature> | null;
  return (
    typeof entry?.queuedAt === 'number' &&
    typeof entry.payload?.id === 'string' &&
    typeof entry.destination?.endpoint === 'string' &&
    (entry.destination.format === 'json' || entry.destination.format === 'form')
  );
}

/** Signatures not yet delivered, kept across page loads on this site. */
export class SignatureQueue {
  private readonly storage: Storage | undefined;

  constructor(storage: Storage | undefined | null = openStorage()) {
    this.storage = storage ?? undefined;
  }

  /** Whether signatures can be kept for a later page load. */
  get persistent(): boolean {
    return this.storage !== undefined;
  }

  /** Keeps `entry` until `remove`; false if it could not be stored (no storage, quota). */
  put(entry: QueuedSignature): boolean {
    if (!this.storage) return false;
    try {
      this.storage.setItem(KEY_PREFIX + entry.payload.id, JSON.stringify(entry));
      return true;
    } catch {
      return false;
    }
  }

  /** Forgets the signature with `id` (delivered, refused for good, or expired). */
  remove(id: string): void {
    try {
      this.storage?.removeItem(KEY_PREFIX + id);
    } catch {
      // Storage that vanished mid-session has nothing left to remove.
    }
  }

  /** Every queued signature still worth sending, oldest first; drops expired and unreadable entries. */
  entries(now = Date.now()): QueuedSignature[] {
    if (!this.storage) return [];
    const entries: QueuedSignature[] = [];
    for (const key of this.keys()) {
      let entry: unknown;
      try {
        entry = JSON.parse(this.storage.getItem(key) ?? 'null');
      } catch {
        entry = undefined;
      }
      if (!isQueuedSignature(entry) || now - entry.queuedAt > QUEUE_MAX_AGE_MS) {
        this.storage.removeItem(key);
      } else {
        entries.push(entry);
      }
    }
    return entries.sort((a, b) => a.queuedAt - b.queuedAt);
  }

  private keys(): string[] {
    const keys: string[] = [];
    for (let index = 0; index < (this.storage?.length ?? 0); index++) {
      const key = this.storage?.key(index);
      if (key?.startsWith(KEY_PREFIX)) keys.push(key);
    }
    return keys;
  }
}
