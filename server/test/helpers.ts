/** Shared test helpers: a real server on 127.0.0.1:0 with a temporary SQLite file. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config/load-config.ts';
import { mintFormToken } from '../src/bots/form-token.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import { seedCampaigns, TEST_CAMPAIGNS } from './support/campaigns.ts';
import { startTestCluster, type TestCluster } from './support/postgres.ts';
import { openPostgresStore, type PostgresStore } from '../src/store/postgres/postgres-store.ts';
import Database from 'better-sqlite3';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MAIN = join(REPO_ROOT, 'server/src/main.ts');
export const EXPORT_TOKEN = 'test-export-token-0123456789';
/**
 * The form-token secret of the test receivers, so a test can mint the token a widget would have
 * been given. Tests that are not about the bot checks also set FORM_MIN_MS=0 (the bot tests,
 * bots.test.ts, keep the real minimum).
 */
export const FORM_TOKEN_SECRET = 'test-form-token-secret-0123456789abcdef';
export const TEST_BOT_ENV = { FORM_TOKEN_SECRET, FORM_MIN_MS: '0' } as const;

/** A form token for `campaign` as the test receivers issue it, issued `ageMs` ago. */
export function formToken(campaign = 'free-baltabay', ageMs = 0): string {
  return mintFormToken(FORM_TOKEN_SECRET, campaign, Date.now() - ageMs);
}

/**
 * `body` with the form token a widget would send, unless it names its own `formToken` (even
 * undefined: no token at all), so the tests of everything else post as the widget does.
 */
function withFormToken(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || 'formToken' in body) return body;
  const { campaign } = body as { campaign?: unknown };
  return typeof campaign === 'string' ? { ...body, formToken: formToken(campaign) } : body;
}

export interface TestServer {
  app: FastifyInstance;
  url: string;
  config: Config;
  dir: string;
  /**
   * Reads (or, for a test's set-up, changes) the server's database directly, whichever store it
   * runs on: `sql` with `?` placeholders in the SQL both stores speak. Resolves with the rows
   * (none for a statement that returns none).
   */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'appeal-receiver-test-'));
}

/** A receiver on 127.0.0.1:0 holding `campaigns` (open, no letters; default: every test campaign). */
export async function startServer(
  env: Record<string, string> = {},
  options: BuildAppOptions = {},
  campaigns: readonly string[] = TEST_CAMPAIGNS,
): Promise<TestServer> {
  const dir = tempDir();
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    DATABASE_PATH: join(dir, 'signatures.sqlite'),
    EXPORT_TOKEN,
    RATE_LIMIT_MAX: '1000000',
    READ_RATE_LIMIT_MAX: '1000000',
    CAMPAIGN_RATE_LIMIT_MAX: '1000000',
    ...TEST_BOT_ENV,
    ...env,
  });
  // APPEAL_TEST_STORE=postgres: the same test on a fresh PostgreSQL database of its own.
  const postgres = options.store === undefined && TEST_STORE === 'postgres' ? await testPostgresStore() : undefined;
  const app = buildApp(config, postgres ? { ...options, store: postgres.store } : options);
  await seedCampaigns(app.signatureStore, campaigns);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    config,
    dir,
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
      if (postgres) {
        let index = 0;
        const { rows } = await postgres.store.pool.query(sql.replace(/\?/g, () => `$${++index}`), [...params]);
        return rows as T[];
      }
      const db = new Database(config.databasePath);
      try {
        db.pragma('busy_timeout = 5000');
        const statement = db.prepare(sql);
        if (statement.reader) return statement.all(...params) as T[];
        statement.run(...params);
        return [];
      } finally {
        db.close();
      }
    },
    async close() {
      await app.close();
      await postgres?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The store the server tests run on: `sqlite` (default) or `postgres` (APPEAL_TEST_STORE). */
export const TEST_STORE: 'sqlite' | 'postgres' = process.env.APPEAL_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

/** For `test(name, { skip: sqliteOnly('why') })`: skips a test that is about the SQLite file itself when the suite runs on PostgreSQL. */
export function sqliteOnly(reason: string): string | false {
  return TEST_STORE === 'postgres' ? `SQLite only: ${reason}` : false;
}

let sharedCluster: Promise<TestCluster> | undefined;

/** One throwaway cluster per test process (stopped when it exits), a new database per call. */
/** A PostgreSQL store on a fresh database of the shared test cluster, for tests that give it to several receivers. */
export async function testPostgresStore(): Promise<{ store: PostgresStore; close(): Promise<void> }> {
  sharedCluster ??= startTestCluster();
  const cluster = await sharedCluster;
  const url = await cluster.createDatabase();
  const store = await openPostgresStore(url, { max: 6 });
  return {
    store,
    async close() {
      await store.close();
      await cluster.dropDatabase(url);
    },
  };
}

let emailCounter = 0;
export function uniqueEmail(): string {
  emailCounter += 1;
  return `signer-${process.pid}-${emailCounter}@example.org`;
}

/** A valid JSON payload as the widget sends it (SPEC §4.1). */
export function signature(overrides: Record<string, unknown> = {}, signer: Record<string, unknown> = {}) {
  const payload = {
    id: randomUUID(),
    campaign: 'free-baltabay',
    createdAt: '2026-11-27T18:00:00.000Z',
    locale: 'fr',
    signer: { firstName: 'Aigerim', lastName: 'N.', email: uniqueEmail(), country: 'KZ', postcode: '', organisation: '', comment: '', ...signer },
    consent: { updates: true, text: 'Yes, keep me informed about this campaign.' },
    message: { subject: 'Free Erlan Baltabay', body: 'Dear Minister,\n\nFree him.' },
    source: { url: 'https://example.org/appeal?utm_source=x', referrer: '', utm: { source: 'x', medium: 'share', campaign: 'free-baltabay' } },
    ...overrides,
  };
  // The token the widget would have been given, unless the test names its own (or none).
  return 'formToken' in overrides ? payload : { ...payload, formToken: formToken(String(payload.campaign)) };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/api/signatures`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(withFormToken(body)),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

export async function postForm(url: string, fields: Record<string, string> | URLSearchParams | string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/api/signatures`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: typeof fields === 'string' ? fields : formWithToken(new URLSearchParams(fields)).toString(),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

/** A form body with the widget's `form_token`, unless it has one or names no campaign. */
function formWithToken(fields: URLSearchParams): URLSearchParams {
  const campaign = fields.get('campaign');
  if (fields.has('form_token') || campaign === null) return fields;
  const withToken = new URLSearchParams(fields);
  withToken.set('form_token', formToken(campaign));
  return withToken;
}

export async function getCount(url: string, campaign = 'free-baltabay'): Promise<number> {
  const response = await fetch(`${url}/api/campaigns/${campaign}/count`);
  const body = (await response.json()) as { count: number };
  return body.count;
}

/** `token: null` sends no Authorization header. `text` keeps the BOM (fetch's text() drops it). */
export async function getCsv(url: string, campaign = 'free-baltabay', token: string | null = EXPORT_TOKEN) {
  const response = await fetch(`${url}/api/campaigns/${campaign}/signatures.csv`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, text };
}

/** Spawns `server/src/main.ts` (or `entry`, a script that prints the same line); resolves with the URL once it prints its listening line. */
export async function spawnMain(
  env: Record<string, string>,
  campaigns: readonly string[] = TEST_CAMPAIGNS,
  entry: string = MAIN,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  if (env.DATABASE_PATH !== undefined && campaigns.length > 0) {
    // Seeded through the real store before the receiver opens the same file.
    const store = openSqliteStore(env.DATABASE_PATH);
    await seedCampaigns(store, campaigns);
    await store.close();
  }
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...TEST_BOT_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`main.ts did not start in time:\n${output}`));
    }, 15_000);
    const check = () => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve({ child, url: match[1]!, output: () => output });
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`main.ts exited with ${code}:\n${output}`));
    });
  });
}

export function waitForExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Parses the export (RFC 4180, BOM) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const source = text.replace(/^\uFEFF/, '');
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < source.length; index++) {
    const char = source[index]!;
    if (quoted) {
      if (char === '"' && source[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && source[index + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      index++;
    } else cell += char;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

export function csvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((row) => Object.fromEntries(header!.map((name, index) => [name, row[index] ?? ''])));
}
