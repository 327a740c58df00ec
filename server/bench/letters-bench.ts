/**
 * Letters throughput: `node --import tsx server/bench/letters-bench.ts`.
 *
 * Starts a real SMTP sink (server/src/dev/smtp-sink.ts, through smtp-sink-child.ts) and the
 * receiver (server/src/main.ts), each in its own process, on 127.0.0.1 with a temporary
 * database seeded with three campaigns: 'bench-warmup' and 'bench-off' without letters, and
 * 'bench-letters' sending one letter per signature to one target, its hourly cap lifted to the
 * maximum (10 000). Then, in the same receiver:
 *
 * 0. warm-up: WARMUP signatures to 'bench-warmup';
 * 1. floor: BENCH_SIGNATURES (5000) signatures to 'bench-off', no letters (as receiver-bench);
 * 2. signatures while letters flow: BENCH_SIGNATURES signatures to 'bench-letters' over
 *    BENCH_CONNECTIONS (10) connections while the worker delivers their letters;
 * 3. delivery: waits (polling the admin API, deadline BENCH_DELIVERY_DEADLINE_MS, default 180 s)
 *    until no letter is queued or sending; letters/s is measured at the sink, first to last.
 *
 * Checks, after the receiver stopped: every signature acknowledged 201 is stored and has exactly
 * one letter, 'sent', whose Message-ID arrived at the sink exactly once, addressed to the target;
 * the sink holds no other message and no Message-ID twice. PASS, or FAIL with exit code 1.
 * DATABASE_SYNCHRONOUS is passed through. Everything stops by BENCH_DEADLINE_MS (default 10 min).
 */
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { letterMessageId } from '../src/letters/compose-letter.ts';
import type { DeliverySettings } from '../src/letters/letter-types.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import { seedCampaigns } from '../test/support/campaigns.ts';
import { BENCH_RECEIVER_ENV, postSignatures } from './signature-load.ts';

const SIGNATURES = Number(process.env.BENCH_SIGNATURES ?? 5000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const WARMUP = 1000;
const TARGET_RATE = 2000;
const DELIVERY_DEADLINE_MS = Number(process.env.BENCH_DELIVERY_DEADLINE_MS ?? 180_000);
const DEADLINE_MS = Number(process.env.BENCH_DEADLINE_MS ?? 10 * 60_000);
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const SINK_CHILD = fileURLToPath(new URL('./smtp-sink-child.ts', import.meta.url));

const MAIL_FROM = '"Bench Union" <letters@union.example>';
const MAIL_FROM_ADDRESS = 'letters@union.example';
const TARGET = { name: 'Target One', email: 'one@target.example' };
const DELIVERY: Partial<DeliverySettings> = { mode: 'each', targets: [TARGET], hourlyCap: 10_000 };
const ADMIN_TOKEN = randomBytes(24).toString('hex');

/** Resolves with the next line from `lines` that matches `pattern`. */
function readLine(lines: AsyncIterator<string>, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  return (async () => {
    for (;;) {
      const next = await lines.next();
      if (next.done) throw new Error(`${what} exited before printing ${pattern}`);
      const match = pattern.exec(next.value);
      if (match) return match;
    }
  })();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const load1 = () => loadavg()[0]!.toFixed(2);

const dir = mkdtempSync(join(tmpdir(), 'appeal-letters-bench-'));
const databasePath = join(dir, 'bench.sqlite');
const children: ChildProcess[] = [];
const cleanUp = () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
};
const watchdog = setTimeout(() => {
  console.error(`FAIL: the bench did not finish within ${DEADLINE_MS} ms`);
  cleanUp();
  process.exit(1);
}, DEADLINE_MS);
watchdog.unref();

let exitCode = 1;
try {
  {
    const store = openSqliteStore(databasePath);
    await seedCampaigns(store, ['bench-warmup', 'bench-off']);
    await seedCampaigns(store, ['bench-letters'], DELIVERY);
    await store.close();
  }

  const sink = spawn(process.execPath, ['--import', 'tsx', SINK_CHILD], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(sink);
  const sinkLines = createInterface({ input: sink.stdout })[Symbol.asyncIterator]();
  const sinkUrl = (await readLine(sinkLines, /^SINK (smtp:\/\/\S+)$/, 'the SMTP sink'))[1]!;
  /** One command to the sink and its answer line, parsed. */
  const askSink = async <T>(command: 'count' | 'stats'): Promise<T> => {
    sink.stdin.write(`${command}\n`);
    const prefix = command.toUpperCase();
    return JSON.parse((await readLine(sinkLines, new RegExp(`^${prefix} (.*)$`), 'the SMTP sink'))[1]!) as T;
  };

  const receiver = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_PATH: databasePath,
      ...BENCH_RECEIVER_ENV,
      RATE_LIMIT_MAX: '100000000',
      READ_RATE_LIMIT_MAX: '100000000',
      LOG_LEVEL: 'warn',
      SERVE_DEMO: 'false',
      ADMIN_TOKEN,
      SMTP_URL: sinkUrl,
      MAIL_FROM,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(receiver);
  const receiverExited = new Promise<number | null>((resolve) => receiver.once('exit', (code) => resolve(code)));
  const receiverLines = createInterface({ input: receiver.stdout })[Symbol.asyncIterator]();
  const url = (await readLine(receiverLines, /listening on (http:\/\/\S+)/, 'the receiver'))[1]!;
  // Keep draining the receiver's stdout so it can never block on a full pipe.
  void (async () => { for (;;) if ((await receiverLines.next()).done) return; })();

  const loadBefore = load1();
  await postSignatures(url, 'bench-warmup', WARMUP, CONNECTIONS);
  const floor = await postSignatures(url, 'bench-off', SIGNATURES, CONNECTIONS);
  const loadAfterFloor = load1();

  const flowing = await postSignatures(url, 'bench-letters', SIGNATURES, CONNECTIONS);
  const phase1End = Date.now();
  const loadAfterFlowing = load1();
  const atPhase1End = await askSink<{ messages: number }>('count');

  // Phase 2: until nothing is queued or sending, or the deadline.
  type Counts = Record<'queued' | 'sending' | 'sent' | 'failed' | 'unknown', number>;
  let counts: Counts | undefined;
  const deliveryDeadline = Date.now() + DELIVERY_DEADLINE_MS;
  let delivered = false;
  while (Date.now() < deliveryDeadline) {
    const response = await fetch(`${url}/api/admin/campaigns/bench-letters`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    if (!response.ok) throw new Error(`admin API answered ${response.status}`);
    const body = (await response.json()) as { letters: { counts: Counts }[] };
    counts = body.letters[0]?.counts;
    if (counts && counts.queued === 0 && counts.sending === 0) {
      delivered = true;
      break;
    }
    await sleep(250);
  }
  const loadAfterDelivery = load1();

  receiver.kill('SIGTERM');
  const receiverExit = await receiverExited;
  const sinkStats = await askSink<{ messages: [string, number, string][]; distinct: number; arrivals: Record<string, number> }>('stats');
  sink.stdin.end();

  const db = new Database(databasePath, { readonly: true });
  const stored = new Set((db.prepare("SELECT id FROM signatures WHERE campaign = 'bench-letters'").all() as { id: string }[]).map((row) => row.id));
  const letters = db.prepare('SELECT id, signature_id, campaign, status, recipient_email FROM letters').all() as
    { id: string; signature_id: string; campaign: string; status: string; recipient_email: string }[];
  db.close();

  // Every acknowledged signature: stored, exactly one letter, sent, arrived exactly once.
  const lettersBySignature = new Map<string, typeof letters>();
  for (const letter of letters) lettersBySignature.set(letter.signature_id, [...(lettersBySignature.get(letter.signature_id) ?? []), letter]);
  let notStored = 0;
  let withoutLetter = 0;
  let withSeveralLetters = 0;
  let notSent = 0;
  let notArrived = 0;
  for (const id of flowing.created) {
    if (!stored.has(id)) notStored++;
    const own = lettersBySignature.get(id) ?? [];
    if (own.length === 0) withoutLetter++;
    if (own.length > 1) withSeveralLetters++;
    for (const letter of own) {
      if (letter.status !== 'sent') notSent++;
      if ((sinkStats.arrivals[letterMessageId(letter.id, MAIL_FROM_ADDRESS)] ?? 0) === 0) notArrived++;
    }
  }
  const statuses = new Map<string, number>();
  for (const letter of letters) statuses.set(letter.status, (statuses.get(letter.status) ?? 0) + 1);
  const duplicated = Object.values(sinkStats.arrivals).filter((times) => times > 1).length;
  const expectedIds = new Set(letters.map((letter) => letterMessageId(letter.id, MAIL_FROM_ADDRESS)));
  const strangers = Object.keys(sinkStats.arrivals).filter((id) => !expectedIds.has(id)).length;
  const misaddressed = sinkStats.messages.filter(([, , to]) => to !== TARGET.email).length;

  // Letters/s at the sink, from the first letter to the last.
  const times = sinkStats.messages.map(([, at]) => at);
  const first = times[0];
  const last = times.at(-1);
  const span = first !== undefined && last !== undefined ? (last - first) / 1000 : 0;
  const lettersRate = span > 0 ? (times.length - 1) / span : 0;
  const duringPhase1 = times.filter((at) => at <= phase1End).length;
  const phase1Span = first !== undefined ? (phase1End - first) / 1000 : 0;
  const afterSpan = last !== undefined ? (last - phase1End) / 1000 : 0;

  // Letters/s by fifth of the letters, in arrival order: a falling rate means a cost that grows with the letters sent.
  const fifths: string[] = [];
  for (let part = 0; part < 5 && times.length >= 10; part++) {
    const from = Math.floor((part * (times.length - 1)) / 5);
    const to = Math.floor(((part + 1) * (times.length - 1)) / 5);
    const seconds = (times[to]! - times[from]!) / 1000;
    fifths.push(seconds > 0 ? ((to - from) / seconds).toFixed(0) : '–');
  }

  const rate = (run: typeof floor) => run.created.size / run.seconds;
  const latency = (run: typeof floor) =>
    `p50 ${run.result.latency.p50} ms, p97.5 ${run.result.latency.p97_5} ms, p99 ${run.result.latency.p99} ms, max ${run.result.latency.max} ms`;
  const codes = (run: typeof floor) =>
    `${Object.entries(run.result.statusCodeStats).map(([status, { count }]) => `${status}×${count}`).join(' ')}; ` +
    `errors ${run.result.errors}, timeouts ${run.result.timeouts}, non-2xx ${run.result.non2xx}`;

  console.log(`letters bench — ${SIGNATURES} distinct signatures per phase, ${CONNECTIONS} connections, ${availableParallelism()} CPUs, ` +
    `Node ${process.version}, DATABASE_SYNCHRONOUS=${process.env.DATABASE_SYNCHRONOUS ?? 'full'}, hourly cap ${DELIVERY.hourlyCap}`);
  console.log(`  floor (no letters)   : ${rate(floor).toFixed(0)} signatures/s (${floor.seconds.toFixed(2)} s), ${latency(floor)}`);
  console.log(`                         responses ${codes(floor)}`);
  console.log(`  while letters flow   : ${rate(flowing).toFixed(0)} signatures/s (${flowing.seconds.toFixed(2)} s), ${latency(flowing)}`);
  console.log(`                         responses ${codes(flowing)}`);
  console.log(`                         ${duringPhase1} letters reached the sink meanwhile (${atPhase1End.messages} by the end of the phase)`);
  console.log(`  target               : ≥${TARGET_RATE} signatures/s while letters flow — ${rate(flowing) >= TARGET_RATE ? 'met' : 'NOT met'}`);
  console.log(`  letters              : ${times.length} at the sink in ${span.toFixed(2)} s, first to last: ${lettersRate.toFixed(0)} letters/s ` +
    `(${phase1Span > 0 ? (duringPhase1 / phase1Span).toFixed(0) : '–'}/s while signatures arrived, ` +
    `${afterSpan > 0 ? ((times.length - duringPhase1) / afterSpan).toFixed(0) : '–'}/s after)`);
  if (fifths.length > 0) console.log(`                         by fifth of the letters: ${fifths.join(', ')} letters/s`);
  console.log(`  letter statuses      : ${[...statuses].map(([status, n]) => `${status} ${n}`).join(', ') || 'none'}` +
    `${delivered ? '' : ` — NOT all delivered within ${DELIVERY_DEADLINE_MS} ms (admin API: ${JSON.stringify(counts)})`}`);
  console.log(`  sink                 : ${sinkStats.messages.length} messages, ${sinkStats.distinct} distinct Message-IDs, ` +
    `${duplicated} arrived more than once, ${strangers} not a stored letter's, ${misaddressed} not to ${TARGET.email}`);
  console.log(`  signatures → letters : ${flowing.created.size} acknowledged 201; not stored ${notStored}, without letter ${withoutLetter}, ` +
    `with several ${withSeveralLetters}, letter not sent ${notSent}, letter not at the sink ${notArrived}`);
  console.log(`  load average (1 min) : ${loadBefore} before, ${loadAfterFloor} after the floor, ${loadAfterFlowing} after phase 1, ` +
    `${loadAfterDelivery} after delivery`);

  const problems: string[] = [];
  for (const [name, run] of [['floor', floor], ['letters', flowing]] as const) {
    if (run.created.size !== SIGNATURES) problems.push(`${name}: ${SIGNATURES - run.created.size} signatures were not acknowledged with 201`);
    if (run.result.errors > 0 || run.result.timeouts > 0 || run.result.non2xx > 0) problems.push(`${name}: errors, timeouts or non-2xx responses`);
  }
  if (!delivered) problems.push('not every letter was delivered before the deadline');
  const lost = notStored + withoutLetter + notSent + notArrived;
  if (lost > 0) problems.push(`${lost} lost (not stored ${notStored}, without letter ${withoutLetter}, not sent ${notSent}, not at the sink ${notArrived})`);
  if (withSeveralLetters > 0 || duplicated > 0) problems.push(`duplicated: ${withSeveralLetters} signatures with several letters, ${duplicated} Message-IDs twice at the sink`);
  if (letters.length !== flowing.created.size || sinkStats.messages.length !== letters.length || sinkStats.distinct !== letters.length) {
    problems.push(`${letters.length} letters stored, ${sinkStats.messages.length} messages (${sinkStats.distinct} distinct) at the sink, ${flowing.created.size} acknowledged`);
  }
  if ((statuses.get('sent') ?? 0) !== letters.length) problems.push("not every letter is 'sent'");
  if (strangers > 0 || misaddressed > 0) problems.push(`${strangers} unexpected messages, ${misaddressed} misaddressed`);
  if (receiverExit !== 0) problems.push(`receiver exited with ${receiverExit} on SIGTERM`);
  console.log(problems.length === 0 ? 'PASS' : `FAIL: ${problems.join('; ')}`);
  exitCode = problems.length === 0 ? 0 : 1;
} catch (error) {
  console.error(`FAIL: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  cleanUp();
}
process.exit(exitCode);
