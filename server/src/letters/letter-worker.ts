/**
 * The letter worker: takes due letters from the queue, hands each to SMTP once per claim, and
 * records what became of it (SPEC §9.3).
 *
 * Never twice by itself: a letter is committed 'sending' (by claimDueLetters) before any byte
 * goes to SMTP, and only a failure that surely did not deliver (a 4xx reply, a refused
 * connection, a drop before the data) puts it back to 'queued'. A drop or timeout after the data
 * makes it 'unknown', which only the organiser can send again. If the process dies in between,
 * the letter stays 'sending' and recoverInterrupted turns it 'unknown' at the next start.
 *
 * Daily digests (mode `digest`) go through the same rounds and the same outcome rules: the queue
 * closes the digests whose hour has come and hands them over 'sending', one email per target.
 */
import type Mail from 'nodemailer/lib/mailer';
import { composeDigest } from './compose-digest.ts';
import { composeConfirmation } from './compose-confirmation.ts';
import { composeReceipt } from './compose-receipt.ts';
import { composeLetter, parseMailFrom, type ComposeOptions, type MailFrom } from './compose-letter.ts';
import type { DigestToSend, LetterToSend } from './letter-types.ts';
import type { LetterTransport } from './mail-transport.ts';
import { nextAttemptDelay, shouldGiveUp } from './retry-schedule.ts';
import { classifySendError } from './smtp-outcome.ts';
import type { ConfirmationToSend } from './sqlite-confirmations.ts';
import type { ReceiptToSend } from './sqlite-receipts.ts';

/** Storage of letters as the worker sees it; async so a networked store can implement it. */
export interface LetterQueue {
  /** Marks up to `limit` due letters 'sending' (lease until `leaseUntil`) and returns them; skips paused campaigns, letters not yet due, and targets at their hourly cap; honours each campaign's sending window. */
  claimDueLetters(now: number, limit: number, leaseUntil: number): Promise<LetterToSend[]>;
  /** Records what became of one attempt. */
  recordAttempt(id: string, result: { status: 'sent' | 'queued' | 'failed' | 'unknown'; at: number; response: string; nextAttemptAt?: number }): Promise<void>;
  /** At start: letters left 'sending' by a killed process become 'unknown' (they may have been handed over). Returns how many. */
  recoverInterrupted(now: number): Promise<number>;
  /** When something may next be due (a queued letter or digest, a digest hour), for the worker's timer; undefined when none. */
  nextDueAt(now?: number): Promise<number | undefined>;
  /** Mode `digest`: closes the digests whose hour has come and claims due ones, like claimDueLetters. Optional: a queue without digests leaves it out. */
  claimDueDigests?(now: number, limit: number, leaseUntil: number): Promise<DigestToSend[]>;
  /** Records what became of one digest attempt. */
  recordDigestAttempt?(id: string, result: AttemptResult): Promise<void>;
  /** Mode confirm: letters whose signer did not confirm in time become 'expired'. Optional, like the digests. */
  expireUnconfirmed?(now: number): Promise<number>;
  /** Mode confirm: claims due confirmation emails (to the signers), each with a fresh token. */
  claimDueConfirmations?(now: number, limit: number, leaseUntil: number): Promise<ConfirmationToSend[]>;
  /** Records what became of one confirmation email's attempt. */
  recordConfirmationAttempt?(id: string, result: AttemptResult): Promise<void>;
  /** delivery.receipt: claims due receipts (to the signers; not under the targets' hourly cap). */
  claimDueReceipts?(now: number, limit: number, leaseUntil: number): Promise<ReceiptToSend[]>;
  /** Records what became of one receipt's attempt. */
  recordReceiptAttempt?(id: string, result: AttemptResult): Promise<void>;
}

/** What one attempt of a letter or a digest came to. */
export type AttemptResult = { status: 'sent' | 'queued' | 'failed' | 'unknown'; at: number; response: string; nextAttemptAt?: number };

/** What deliver() needs of a claimed letter or digest. */
interface Outgoing {
  kind: 'letter' | 'digest' | 'confirmation' | 'receipt';
  id: string;
  campaign: string;
  attempts: number;
  firstAttemptAt: number | null;
  compose(): Mail.Options;
  record(result: AttemptResult): Promise<void>;
}

/** Pino-style logger (Fastify's `app.log` fits). */
export interface WorkerLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface LetterWorkerOptions {
  queue: LetterQueue;
  /** createMailTransport's result, or anything with the same `send`. */
  transport: Pick<LetterTransport, 'send'>;
  /** MAIL_FROM as configured (string) or already parsed. */
  mailFrom: string | MailFrom;
  now?: () => number;
  /** Letters claimed per round; default 10. */
  batchSize?: number;
  /** Longest sleep between rounds when nothing is due (a safety net beside wake()); default 30 s. */
  idleMs?: number;
  /** How long a claim is leased; default 10 min, well past the transport's timeouts. */
  leaseMs?: number;
  /** Delay before the next try after `attempts` tries (tests shorten it); default nextAttemptDelay. */
  retryDelay?: (attempts: number) => number;
  /** Give up on temporary failures this long after the first attempt; default 48 h. */
  giveUpAfterMs?: number;
  compose?: ComposeOptions;
  /**
   * PUBLIC_URL: where signers reach this receiver, for the link in confirmation emails. Without
   * it no confirmation email is sent (the admin API refuses confirm campaigns then).
   */
  publicUrl?: string | undefined;
  log: WorkerLog;
}

export interface LetterWorker {
  /** Recovers interrupted letters, then sends in the background until stop(). */
  start(): void;
  /** Stops claiming; resolves once the sends in flight are recorded. */
  stop(): Promise<void>;
  /** One round: claim, send, record. Resolves with the number of letters attempted. */
  runOnce(): Promise<number>;
  /** New letters were committed: run a round now instead of at the next timer. */
  wake(): void;
}

/** Creates the worker; nothing runs until start() (or runOnce()). */
export function createLetterWorker(options: LetterWorkerOptions): LetterWorker {
  const { queue, transport, log } = options;
  const now = options.now ?? Date.now;
  const batchSize = options.batchSize ?? 10;
  const idleMs = options.idleMs ?? 30_000;
  const leaseMs = options.leaseMs ?? 10 * 60_000;
  const retryDelay = options.retryDelay ?? ((attempts: number) => nextAttemptDelay(attempts));
  const giveUpAfterMs = options.giveUpAfterMs;
  const mailFrom = typeof options.mailFrom === 'string' ? parseMailFrom(options.mailFrom) : { ok: true as const, ...options.mailFrom };
  if (!mailFrom.ok) throw new Error(mailFrom.error);

  let running = false;
  let timer: NodeJS.Timeout | undefined;
  /** The round in progress (with its rescheduling), if any: stop() waits for it, wake() queues another after it. */
  let round: Promise<number> | undefined;
  let wakeRequested = false;

  async function deliver(letter: Outgoing): Promise<void> {
    let result: AttemptResult;
    let message: ReturnType<Outgoing['compose']>;
    try {
      message = letter.compose();
    } catch (error) {
      // Nothing reached SMTP, and the same letter would fail the same way again: failed, not unknown.
      const response = `not sent: ${(error as Error).message}`;
      log.error({ [letter.kind]: letter.id, campaign: letter.campaign, response }, `${letter.kind} could not be composed`);
      await letter.record({ status: 'failed', at: now(), response }).catch((recordError: unknown) => {
        log.error({ [letter.kind]: letter.id, err: recordError }, `could not record a ${letter.kind} attempt`);
      });
      return;
    }
    try {
      const report = await transport.send(message);
      result = { status: 'sent', at: now(), response: report.response || '250 accepted' };
    } catch (error) {
      const outcome = classifySendError(error);
      const at = now();
      if (outcome.kind === 'permanent') result = { status: 'failed', at, response: outcome.response };
      else if (outcome.kind === 'unknown') result = { status: 'unknown', at, response: outcome.response };
      else if (shouldGiveUp(letter.firstAttemptAt ?? at, at, giveUpAfterMs)) {
        result = { status: 'failed', at, response: `gave up after 48 h: ${outcome.response}` };
      } else {
        result = { status: 'queued', at, response: outcome.response, nextAttemptAt: at + retryDelay(Math.max(letter.attempts, 1)) };
      }
      const level = outcome.kind === 'temporary' ? 'warn' : 'error';
      log[level]({ [letter.kind]: letter.id, campaign: letter.campaign, outcome: outcome.kind, response: outcome.response }, `${letter.kind} not delivered`);
    }
    try {
      await letter.record(result);
    } catch (error) {
      // It stays 'sending' and becomes 'unknown' at the next start: never re-sent blindly.
      log.error({ [letter.kind]: letter.id, err: error, status: result.status }, `could not record a ${letter.kind} attempt`);
    }
  }

  const asLetter = (letter: LetterToSend): Outgoing => ({
    kind: 'letter', ...letter,
    compose: () => composeLetter(letter, mailFrom as MailFrom, options.compose),
    record: (result) => queue.recordAttempt(letter.id, result),
  });
  const asDigest = (digest: DigestToSend): Outgoing => ({
    kind: 'digest', ...digest,
    compose: () => composeDigest(digest, mailFrom as MailFrom),
    record: (result) => queue.recordDigestAttempt!(digest.id, result),
  });

  const publicUrl = options.publicUrl;
  const asConfirmation = (confirmation: ConfirmationToSend): Outgoing => ({
    kind: 'confirmation', ...confirmation,
    compose: () => composeConfirmation(confirmation, mailFrom as MailFrom, publicUrl!),
    record: (result) => queue.recordConfirmationAttempt!(confirmation.id, result),
  });

  const asReceipt = (receipt: ReceiptToSend): Outgoing => ({
    kind: 'receipt', ...receipt,
    compose: () => composeReceipt(receipt, mailFrom as MailFrom),
    record: (result) => queue.recordReceiptAttempt!(receipt.id, result),
  });

  async function runOnce(): Promise<number> {
    const claimedAt = now();
    await queue.expireUnconfirmed?.(claimedAt);
    const letters = await queue.claimDueLetters(claimedAt, batchSize, claimedAt + leaseMs);
    const digests = queue.claimDueDigests && queue.recordDigestAttempt
      ? await queue.claimDueDigests(claimedAt, batchSize, claimedAt + leaseMs)
      : [];
    // Without PUBLIC_URL there is no link to send: the emails wait (and say nothing wrong).
    const confirmations = publicUrl !== undefined && queue.claimDueConfirmations && queue.recordConfirmationAttempt
      ? await queue.claimDueConfirmations(claimedAt, batchSize, claimedAt + leaseMs)
      : [];
    const outgoing = [...letters.map(asLetter), ...digests.map(asDigest), ...confirmations.map(asConfirmation)];
    // The pool limits concurrency; everything claimed is settled before the round ends.
    await Promise.all(outgoing.map(deliver));
    // Receipts after the letters: a letter just recorded may have queued its signature's receipt.
    const receipts = queue.claimDueReceipts && queue.recordReceiptAttempt
      ? await queue.claimDueReceipts(now(), batchSize, now() + leaseMs)
      : [];
    await Promise.all(receipts.map(asReceipt).map(deliver));
    outgoing.push(...receipts.map(asReceipt));
    return outgoing.length;
  }

  function schedule(delay: number): void {
    if (!running) return;
    clearTimeout(timer);
    timer = setTimeout(tick, Math.max(0, delay));
    timer.unref?.();
  }

  function tick(): void {
    timer = undefined;
    if (!running || round) return;
    wakeRequested = false;
    round = (async (): Promise<number> => {
      let attempted: number;
      try {
        attempted = await runOnce();
      } catch (error) {
        log.error({ err: error }, 'letter round failed');
        return Math.min(idleMs, 5_000);
      }
      // A full batch means more may be due right now; a wake during the round means new letters.
      if (!running || wakeRequested || attempted >= batchSize) return 0;
      const due = await queue.nextDueAt(now()).catch(() => undefined);
      if (wakeRequested) return 0;
      return due === undefined ? idleMs : Math.min(Math.max(due - now(), 0), idleMs);
    })().then((delay) => {
      round = undefined;
      schedule(delay);
      return delay;
    });
  }

  return {
    start() {
      if (running) return;
      running = true;
      round = queue.recoverInterrupted(now()).then(
        (recovered) => {
          if (recovered > 0) log.warn({ letters: recovered }, "letters interrupted while 'sending' were marked 'unknown'");
          return 0;
        },
        (error: unknown) => {
          log.error({ err: error }, 'could not recover interrupted letters');
          return 0;
        },
      ).finally(() => {
        round = undefined;
        schedule(0);
      });
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      timer = undefined;
      while (round) await round.catch(() => undefined);
    },
    runOnce,
    wake() {
      if (!running) return;
      if (round) wakeRequested = true;
      else schedule(0);
    },
  };
}
