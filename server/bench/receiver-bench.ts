/**
 * Receiver throughput: `node --import tsx server/bench/receiver-bench.ts`.
 *
 * One run, three set-ups (then the same three under CPU budgets, below), each a fresh database with the campaigns 'bench' and 'bench-warmup'
 * (no letters), each receiver a child process on 127.0.0.1 (so the load generator does not share
 * its event loop):
 *
 * 1. SQLite, one receiver (server/src/main.ts, DATABASE_SYNCHRONOUS passed through);
 * 2. PostgreSQL, one receiver;
 * 3. PostgreSQL, two receivers on the same database and the same campaign, the load split
 *    between them as a load balancer would.
 *
 * Then the same three again with a CPU budget per receiver (cpu-budget.ts, BENCH_RECEIVER_CPUS,
 * 0.5 CPU by default), as each would have on a machine or in a container of its own: without
 * budgets the receivers, the database and the load generator all share this machine's CPUs, and
 * a second receiver brings none of its own. The database and the load generator have no budget.
 * Where the machine allows no budget (no cgroup to write), that pass is skipped and says so.
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
import { cpuBudgetsAvailable, limitCpu, type CpuBudget } from './cpu-budget.ts';
import { postgresAvailable, startTestCluster, type TestCluster } from '../test/support/postgres.ts';
import { BENCH_RECEIVER_ENV, postSignatures } from './signature-load.ts';

const SIGNATURES = Number(process.env.BENCH_SIGNATURES ?? 5000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const WARMUP = 1000;
const TARGET_RATE = 2000;
const TARGET_P99_MS = 50;
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const RECEIVER_CPUS = Number(process.env.BENCH_RECEIVER_CPUS ?? 0.5);

interface Receiver {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

let receiversStarted = 0;

/** A receiver child process on 127.0.0.1; `cpus`: its CPU budget (none when undefined). */
function startReceiver(entry: string, env: Record<string, string>, cpus?: number): Promise<Receiver> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', RATE_LIMIT_MAX: '100000000', READ_RATE_LIMIT_MAX: '100000000', LOG_LEVEL: 'warn', SERVE_DEMO: 'false', ...BENCH_RECEIVER_ENV, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Before it has loaded anything: its every thread inherits the budget.
  let budget: CpuBudget | undefined;
  if (cpus !== undefined) {
    budget = limitCpu(child.pid!, cpus, `receiver-${receiversStarted++}`);
    if (!budget) {
      child.kill('SIGKILL');
      throw new Error(`could not give a receiver a budget of ${cpus} CPU (cgroup)`);
    }
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    budget?.release();
    resolve(code);
  }));
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

/** SQLite with one receiver, then PostgreSQL with one and with two; `cpus`: each receiver's budget. */
async function runSetUps(cluster: TestCluster | undefined, cpus?: number): Promise<void> {
  const budget = cpus === undefined ? '' : `, ${cpus} CPU each`;
  const databasePath = join(dir, `bench-${cpus ?? 'shared'}.sqlite`);
  const seeded = openSqliteStore(databasePath);
  await seedCampaigns(seeded, ['bench', 'bench-warmup']);
  await seeded.close();
  const sqlite = await startReceiver(MAIN, { DATABASE_PATH: databasePath }, cpus);
  outcomes.push(await measure(`SQLite, one receiver${budget}`, [sqlite], async () => {
    const db = new Database(databasePath, { readonly: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM signatures WHERE campaign = 'bench'").get() as { n: number }).n;
    } finally {
      db.close();
    }
  }));
  if (!cluster) return;
  for (const count of [1, 2]) {
    const url = await cluster.createDatabase('bench');
    const store = await openPostgresStore(url);
    await seedCampaigns(store, ['bench', 'bench-warmup']);
    await store.close();
    const receivers: Receiver[] = [];
    for (let index = 0; index < count; index++) receivers.push(await startReceiver(MAIN, { DATABASE_URL: url }, cpus));
    outcomes.push(await measure(`PostgreSQL, ${count === 1 ? 'one receiver' : 'two receivers'}${budget}`, receivers, async () => {
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
}

let cluster: TestCluster | undefined;
try {
  if (postgresAvailable()) cluster = await startTestCluster();
  else console.log('\nPostgreSQL: skipped (not installed: apt-get install postgresql)');
  console.log('\n— every process sharing this machine\'s CPUs');
  await runSetUps(cluster);
  if (cpuBudgetsAvailable()) {
    console.log(`\n— each receiver with a budget of ${RECEIVER_CPUS} CPU (the database and the load generator without)`);
    await runSetUps(cluster, RECEIVER_CPUS);
  } else console.log('\nCPU budgets: skipped (this machine lets the bench write no cgroup: run as root on cgroup v1 or v2 with the cpu controller)');
} catch (error) {
  console.error(`FAIL: ${error instanceof Error ? error.stack : String(error)}`);
  failed = true;
} finally {
  await cluster?.destroy();
  rmSync(dir, { recursive: true, force: true });
}

console.log('\nsummary');
for (const outcome of outcomes) {
  // The throughput target is the whole machine's; a budgeted receiver has a part of it.
  const target = outcome.label.endsWith('CPU each') ? ''
    : outcome.rate >= TARGET_RATE && outcome.p99 < TARGET_P99_MS ? 'target met' : `target (≥${TARGET_RATE}/s, p99 <${TARGET_P99_MS} ms) NOT met`;
  console.log(`  ${outcome.label.padEnd(44)} ${outcome.rate.toFixed(0).padStart(6)} signatures/s  p99 ${String(outcome.p99).padStart(4)} ms  ${outcome.passed ? 'PASS' : 'FAIL'}  ${target}`);
}
// Two receivers against one on the same CPUs: each pair of PostgreSQL set-ups.
for (const two of outcomes.filter((outcome) => outcome.label.startsWith('PostgreSQL, two receivers'))) {
  const one = outcomes.find((outcome) => outcome.label === two.label.replace('two receivers', 'one receiver'));
  if (one) console.log(`  PostgreSQL two receivers vs one${two.label.slice('PostgreSQL, two receivers'.length)}: ×${(two.rate / one.rate).toFixed(2)}`);
}
process.exit(failed || outcomes.some((outcome) => !outcome.passed) ? 1 : 0);
