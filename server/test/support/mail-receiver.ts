/**
 * A real receiver that sends its letters to a real SMTP sink on 127.0.0.1, with a worker clock the
 * test can move: the common ground of the letters tests that go through the receiver.
 */
import assert from 'node:assert/strict';
import { startSmtpSink, type SinkMessage, type SmtpSink } from '../../src/dev/smtp-sink.ts';
import type { BuildAppOptions } from '../../src/app.ts';
import { startServer, type TestServer } from '../helpers.ts';
import { ADMIN_TOKEN, sleep } from './admin.ts';

export const MAIL_FROM = '"Demo Union" <letters@union.example>';
/** How long "nothing more arrives" waits, on top of two forced worker rounds. */
export const QUIET_MS = 1_500;
/** Short enough that a test never waits long on a broken connection; the sink answers at once. */
export const TRANSPORT = { connectionTimeout: 3_000, greetingTimeout: 3_000, socketTimeout: 5_000 };

/** A receiver, its sink, and the worker's clock. */
export interface MailReceiver {
  sink: SmtpSink;
  server: TestServer;
  /** Moves the worker's clock forward. */
  advance(ms: number): void;
  /** Forces a worker round now. */
  runOnce(): Promise<number>;
  close(): Promise<void>;
}

export interface MailReceiverOptions {
  /** More environment (PUBLIC_URL, …) beside ADMIN_TOKEN, SMTP_URL and MAIL_FROM. */
  env?: Record<string, string>;
  /** Where the worker's clock starts (ms since the epoch); default now. */
  startAt?: number;
  /** More worker options (retryDelay, …) beside the movable clock. */
  worker?: Omit<NonNullable<BuildAppOptions['letterWorker']>, 'now'>;
}

/** Starts a sink and a receiver (no campaigns seeded) that sends through it. */
export async function startMailReceiver(options: MailReceiverOptions = {}): Promise<MailReceiver> {
  const sink = await startSmtpSink();
  let offset = (options.startAt ?? Date.now()) - Date.now();
  let server: TestServer;
  try {
    server = await startServer(
      { ADMIN_TOKEN, SMTP_URL: sink.url, MAIL_FROM, ...options.env },
      { transportOptions: TRANSPORT, letterWorker: { ...options.worker, now: () => Date.now() + offset } },
      [],
    );
  } catch (error) {
    await sink.close();
    throw error;
  }
  return {
    sink,
    server,
    advance(ms) {
      offset += ms;
    },
    runOnce() {
      const worker = server.app.letterWorker;
      assert.ok(worker, 'the receiver has a letter worker');
      return worker.runOnce();
    },
    async close() {
      try {
        await server.close();
      } finally {
        await sink.close();
      }
    },
  };
}

/** Forces a round, waits QUIET_MS, forces another, and checks the sink saw no new SMTP transaction. */
export async function assertNothingMoreArrives(context: Pick<MailReceiver, 'sink' | 'runOnce'>, what: string): Promise<void> {
  const before = { ...context.sink.commands, messages: context.sink.messages.length };
  await context.runOnce();
  await sleep(QUIET_MS);
  await context.runOnce();
  assert.deepEqual({ ...context.sink.commands, messages: context.sink.messages.length }, before, what);
}

/** The messages the sink received for `email`. */
export const messagesTo = (sink: SmtpSink, email: string): SinkMessage[] =>
  sink.messages.filter((message) => message.envelope.to.includes(email));
