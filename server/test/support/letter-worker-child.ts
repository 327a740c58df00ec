/**
 * A receiver-like process for the kill test: opens the letters database given in argv, sends
 * due letters to the SMTP URL given in argv, and prints "claimed" once a round has started.
 * The test SIGKILLs it while the SMTP server is still answering.
 */
import Database from 'better-sqlite3';
import { createLetterWorker } from '../../src/letters/letter-worker.ts';
import { createMailTransport } from '../../src/letters/mail-transport.ts';
import { createSqliteLetterQueue } from '../../src/letters/sqlite-letter-queue.ts';

const [databasePath, smtpUrl] = process.argv.slice(2);
if (!databasePath || !smtpUrl) throw new Error('usage: letter-worker-child <database> <smtp-url>');
const db = new Database(databasePath);
db.pragma('journal_mode = WAL');
db.pragma('foreign_keys = ON');
const queue = createSqliteLetterQueue(db);
const transport = createMailTransport({ smtpUrl });
const silent = { info() {}, warn() {}, error() {} };
const worker = createLetterWorker({ queue, transport, mailFrom: '"Demo Union" <letters@union.example>', log: silent });
const round = worker.runOnce();
process.stdout.write('claimed\n');
await round;
