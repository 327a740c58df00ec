/**
 * Receiver throughput: `node --import tsx server/bench/receiver-bench.ts`.
 *
 * Starts `server/src/main.ts` as a child (so the load generator does not share its event loop)
 * on 127.0.0.1 with a temporary database, seeded first with the campaigns 'bench' and
 * 'bench-warmup' (the receiver only takes signatures for campaigns it holds; no letters), warms
 * it up, then POSTs BENCH_SIGNATURES (5000) distinct signatures over BENCH_CONNECTIONS (10)
 * connections with autocannon. Reports signatures/s and latency, then checks that every 201 is
 * a stored row: PASS, or FAIL with exit code 1 on any loss, error or unexpected status.
 * DATABASE_SYNCHRONOUS is passed through. The letters benchmark is letters-bench.ts.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import { seedCampaigns } from '../test/support/campaigns.ts';
import { postSignatures } from './signature-load.ts';

const SIGNATURES = Number(process.env.BENCH_SIGNATURES ?? 5000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const WARMUP = 1000;
const TARGET_RATE = 2000;
const TARGET_P99_MS = 50;
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));


const dir = mkdtempSync(join(tmpdir(), 'appeal-receiver-bench-'));
const databasePath = join(dir, 'bench.sqlite');
// The receiver answers 404 for a campaign it does not hold: create both, open, without letters.
try {
  const store = openSqliteStore(databasePath);
  await seedCampaigns(store, ['bench', 'bench-warmup']);
  await store.close();
} catch (error) {
  rmSync(dir, { recursive: true, force: true });
  throw error;
}
const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
  env: {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_PATH: databasePath,
    RATE_LIMIT_MAX: '100000000',
    LOG_LEVEL: 'warn',
    SERVE_DEMO: 'false',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const childExited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

let exitCode = 1;
try {
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    void childExited.then((code) => reject(new Error(`server exited (${code}) before listening`)));
  });

  await postSignatures(url, 'bench-warmup', WARMUP, CONNECTIONS);
  const { result, seconds } = await postSignatures(url, 'bench', SIGNATURES, CONNECTIONS);

  const created = result.statusCodeStats['201']?.count ?? 0;
  const rate = created / seconds;
  const counted = ((await (await fetch(`${url}/api/campaigns/bench/count`)).json()) as { count: number }).count;

  child.kill('SIGTERM');
  const serverExit = await childExited;
  const db = new Database(databasePath, { readonly: true });
  const rows = (db.prepare("SELECT count(*) AS n FROM signatures WHERE campaign = 'bench'").get() as { n: number }).n;
  db.close();

  const statuses = Object.entries(result.statusCodeStats).map(([status, { count }]) => `${status}×${count}`).join(' ');
  console.log(`receiver bench — ${SIGNATURES} distinct signatures, ${CONNECTIONS} connections, ${availableParallelism()} CPUs, ` +
    `Node ${process.version}, DATABASE_SYNCHRONOUS=${process.env.DATABASE_SYNCHRONOUS ?? 'full'}`);
  console.log(`  throughput : ${rate.toFixed(0)} signatures/s (${seconds.toFixed(2)} s)`);
  console.log(`  latency    : p50 ${result.latency.p50} ms, p97.5 ${result.latency.p97_5} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`);
  console.log(`  responses  : ${statuses}; errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}`);
  console.log(`  stored     : ${rows} rows, count endpoint ${counted}, 201 responses ${created}`);
  console.log(`  target     : ≥${TARGET_RATE}/s and p99 <${TARGET_P99_MS} ms — ${rate >= TARGET_RATE && result.latency.p99 < TARGET_P99_MS ? 'met' : 'NOT met'}`);

  const problems: string[] = [];
  if (rows !== created || counted !== created) problems.push(`stored ${rows} / counted ${counted} ≠ ${created} acknowledged`);
  if (created !== SIGNATURES) problems.push(`${SIGNATURES - created} signatures were not acknowledged with 201`);
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0) problems.push('errors, timeouts or non-2xx responses');
  if (serverExit !== 0) problems.push(`server exited with ${serverExit} on SIGTERM`);
  console.log(problems.length === 0 ? 'PASS' : `FAIL: ${problems.join('; ')}`);
  exitCode = problems.length === 0 ? 0 : 1;
} catch (error) {
  console.error(`FAIL: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);
