/**
 * Receiver throughput: `node --import tsx server/bench/receiver-bench.ts`.
 *
 * One run, three set-ups, each a fresh database with the campaigns 'bench' and 'bench-warmup'
 * (no letters), each receiver a child process on 127.0.0.1 (so the load generator does not share
 * its event loop):
 *
 * 1. SQLite, one receiver (server/src/main.ts, DATABASE_SYNCHRONOUS passed through);
 * 2. PostgreSQL, one receiver;
 * 3. PostgreSQL, two receivers on the same database and the same campaign, the load split
 *    between them as a load balancer would.
 *
 * PostgreSQL is a throwaway cluster (server/test/support/postgres.ts) with fsync and
 * synchronous_commit on: every 201 is a commit on disk, as with SQLite's FULL. After a warm-up,
 * BENCH_SIGNATURES (5000) distinct signatures go over BENCH_CONNECTIONS (10) connections with
 * autocannon (split between the receivers in set-up 3). For each: signatures/s, latency, and a
 * check that every 201 is exactly one stored row and the count agrees: PASS, or FAIL with exit
 * code 1 on any loss, duplicate, error or unexpected status. Without PostgreSQL installed, set-ups
 * 2 and 3 are skipped and say so. The letters benchmark is letters-bench.ts.
 */
import Database from 'better-sqlite3';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openPostgresStore } from '../src/store/postgres/postgres-store.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import { seedCampaigns } from '../test/support/campaigns.ts';
import { postgresAvailable, startTestCluster } from '../test/support/postgres.ts';
import { BENCH_RECEIVER_ENV, postSignatures } from './signature-load.ts';

const SIGNATURES = Number(process.env.BENCH_SIGNATURES ?? 5000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const WARMUP = 1000;
const TARGET_RATE = 2000;
const TARGET_P99_MS = 50;
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

interface Receiver {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

function startReceiver(entry: string, env: Record<string, string>): Promise<Receiver> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', RATE_LIMIT_MAX: '100000000', READ_RATE_LIMIT_MAX: '100000000', LOG_LEVEL: 'warn', SERVE_DEMO: 'false', ...BENCH_RECEIVER_ENV, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1]!, exited });
    });
    void exited.then((code) => reject(new Error(`receiver exited (${code}) before listening`)));
  });
}

/** CPU time (user + system, ms) a process has used so far, from /proc; 0 where it is gone or unknown. */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    // Fields after the command (which may hold spaces) start at the last ')'; utime, stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/** The postmaster and its backends, by process id. */
function postgresPids(postmaster: number | undefined): number[] {
  if (postmaster === undefined) return [];
  const children = spawnSync('ps', ['-o', 'pid=', '--ppid', String(postmaster)], { encoding: 'utf8' }).stdout.split('\n').map(Number).filter(Boolean);
  return [postmaster, ...children];
}

interface Outcome {
  label: string;
  rate: number;
  p99: number;
  passed: boolean;
}

/** Loads `receivers` with the same campaign (distinct addresses per receiver) and checks what was stored. */
async function measure(label: string, receivers: Receiver[], storedRows: () => Promise<number>, postmaster?: () => number | undefined): Promise<Outcome> {
  const share = (total: number, index: number) => Math.floor(total / receivers.length) + (index < total % receivers.length ? 1 : 0);
  // Each receiver gets the whole warm-up: a process's first thousand requests run before the JIT has optimised them.
  await Promise.all(receivers.map((receiver, index) => postSignatures(receiver.url, 'bench-warmup', WARMUP, share(CONNECTIONS, index), `warmup-r${index}`)));
  // CPU used per signature: what a receiver and the database cost, whatever the machine's other load.
  const cpu = () => ({
    receivers: receivers.reduce((sum, receiver) => sum + cpuMs(receiver.child.pid), 0),
    database: postgresPids(postmaster?.()).reduce((sum, pid) => sum + cpuMs(pid), 0),
    generator: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
  });
  const cpuBefore = cpu();
  const started = performance.now();
  const runs = await Promise.all(receivers.map((receiver, index) => postSignatures(receiver.url, 'bench', share(SIGNATURES, index), share(CONNECTIONS, index), `bench-r${index}`)));
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpu();
  const perSignature = (key: 'receivers' | 'database' | 'generator') => ((cpuAfter[key] - cpuBefore[key]) / SIGNATURES).toFixed(2);
  const created = runs.reduce((sum, run) => sum + (run.result.statusCodeStats['201']?.count ?? 0), 0);
  const ids = new Set(runs.flatMap((run) => [...run.created]));
  const rate = created / seconds;
  // Latency over both loads: the worse receiver's percentiles (autocannon does not merge histograms).
  const latency = (key: 'p50' | 'p97_5' | 'p99' | 'max') => Math.max(...runs.map((run) => run.result.latency[key]));
  const errors = runs.reduce((sum, run) => sum + run.result.errors + run.result.timeouts + run.result.non2xx, 0);
  const counted = ((await (await fetch(`${receivers[0]!.url}/api/campaigns/bench/count`)).json()) as { count: number }).count;

  for (const receiver of receivers) receiver.child.kill('SIGTERM');
  const exits = await Promise.all(receivers.map((receiver) => receiver.exited));
  const rows = await storedRows();

  console.log(`\n${label} — ${SIGNATURES} distinct signatures, ${CONNECTIONS} connections`);
  console.log(`  throughput : ${rate.toFixed(0)} signatures/s (${seconds.toFixed(2)} s)`);
  console.log(`  latency    : p50 ${latency('p50')} ms, p97.5 ${latency('p97_5')} ms, p99 ${latency('p99')} ms, max ${latency('max')} ms`);
  console.log(`  stored     : ${rows} rows, count endpoint ${counted}, 201 responses ${created} (${ids.size} distinct ids); errors, timeouts, non-2xx ${errors}`);
  console.log(`  lost ${Math.max(0, created - rows)}, duplicated ${Math.max(0, rows - ids.size)}`);
  console.log(`  CPU        : ${perSignature('receivers')} ms per signature in the receiver${receivers.length > 1 ? 's' : ''}, ` +
    `${postmaster ? `${perSignature('database')} ms in PostgreSQL, ` : ''}${perSignature('generator')} ms in the load generator ` +
    `(${(((cpuAfter.receivers + cpuAfter.database + cpuAfter.generator) - (cpuBefore.receivers + cpuBefore.database + cpuBefore.generator)) / 1000 / seconds).toFixed(2)} of ${availableParallelism()} CPUs busy with this bench)`);
  const problems: string[] = [];
  if (rows !== created || counted !== created || ids.size !== created) problems.push(`stored ${rows} / counted ${counted} / ids ${ids.size} ≠ ${created} acknowledged`);
  if (created !== SIGNATURES) problems.push(`${SIGNATURES - created} signatures were not acknowledged with 201`);
  if (errors > 0) problems.push('errors, timeouts or non-2xx responses');
  if (exits.some((code) => code !== 0)) problems.push(`a receiver exited with ${exits.join(', ')} on SIGTERM`);
  console.log(problems.length === 0 ? '  PASS' : `  FAIL: ${problems.join('; ')}`);
  return { label, rate, p99: latency('p99'), passed: problems.length === 0 };
}

console.log(`receiver bench — ${availableParallelism()} CPUs, Node ${process.version}, DATABASE_SYNCHRONOUS=${process.env.DATABASE_SYNCHRONOUS ?? 'full'}`);
const outcomes: Outcome[] = [];
let failed = false;
const dir = mkdtempSync(join(tmpdir(), 'appeal-receiver-bench-'));
try {
  const databasePath = join(dir, 'bench.sqlite');
  const seeded = openSqliteStore(databasePath);
  await seedCampaigns(seeded, ['bench', 'bench-warmup']);
  await seeded.close();
  const sqlite = await startReceiver(MAIN, { DATABASE_PATH: databasePath });
  outcomes.push(await measure('SQLite, one receiver', [sqlite], async () => {
    const db = new Database(databasePath, { readonly: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM signatures WHERE campaign = 'bench'").get() as { n: number }).n;
    } finally {
      db.close();
    }
  }));

  if (!postgresAvailable()) console.log('\nPostgreSQL: skipped (not installed: apt-get install postgresql)');
  else {
    const cluster = await startTestCluster();
    try {
      for (const count of [1, 2]) {
        const url = await cluster.createDatabase('bench');
        const store = await openPostgresStore(url);
        await seedCampaigns(store, ['bench', 'bench-warmup']);
        await store.close();
        const receivers: Receiver[] = [];
        for (let index = 0; index < count; index++) receivers.push(await startReceiver(MAIN, { DATABASE_URL: url }));
        outcomes.push(await measure(`PostgreSQL, ${count === 1 ? 'one receiver' : 'two receivers'}`, receivers, async () => {
          const client = new pg.Client(url);
          await client.connect();
          try {
            return (await client.query<{ n: number }>("SELECT count(*)::int AS n FROM signatures WHERE campaign = 'bench'")).rows[0]!.n;
          } finally {
            await client.end();
          }
        }, () => cluster.postmasterPid()));
        await cluster.dropDatabase(url);
      }
    } finally {
      await cluster.destroy();
    }
  }
} catch (error) {
  console.error(`FAIL: ${error instanceof Error ? error.stack : String(error)}`);
  failed = true;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log('\nsummary');
for (const outcome of outcomes) {
  const target = outcome.rate >= TARGET_RATE && outcome.p99 < TARGET_P99_MS ? 'target met' : `target (≥${TARGET_RATE}/s, p99 <${TARGET_P99_MS} ms) NOT met`;
  console.log(`  ${outcome.label.padEnd(28)} ${outcome.rate.toFixed(0).padStart(6)} signatures/s  p99 ${String(outcome.p99).padStart(4)} ms  ${outcome.passed ? 'PASS' : 'FAIL'}  ${target}`);
}
const [, one, two] = outcomes;
if (one && two) console.log(`  PostgreSQL two receivers vs one: ×${(two.rate / one.rate).toFixed(2)}`);
process.exit(failed || outcomes.some((outcome) => !outcome.passed) ? 1 : 0);
