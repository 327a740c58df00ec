/**
 * A throwaway PostgreSQL cluster for tests and the bench: Debian's PostgreSQL 15 binaries,
 * initdb in a temporary folder owned by the `postgres` user (initdb refuses to run as root),
 * the server on 127.0.0.1 and a free port with fsync and synchronous_commit on, so what the
 * tests measure is the durable path. A watchdog shell stops the server when the process that
 * started it exits, even on a crash or SIGKILL, so no cluster outlives its test run.
 *
 * Each test takes a database of its own (`createDatabase`), copied from a template that holds
 * nothing: the store migrates it on open, like a fresh production database.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Where Debian's postgresql-15 puts its binaries. */
export const POSTGRES_BIN = process.env.APPEAL_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

/** A running test cluster. */
export interface TestCluster {
  /** postgres://… of the `postgres` database (for admin statements). */
  readonly adminUrl: string;
  readonly port: number;
  /** A new, empty database; resolves with its URL. */
  createDatabase(prefix?: string): Promise<string>;
  /** Drops a database made by createDatabase (connections to it are cut). */
  dropDatabase(url: string): Promise<void>;
  /** Stops the server (fast shutdown: sessions are cut, committed data kept); the cluster can start again. */
  stopServer(): Promise<void>;
  /** Starts the server again on the same port and folder. */
  startServer(): Promise<void>;
  /** Stops the server and deletes the folder. */
  destroy(): Promise<void>;
  /** The postmaster's process id while the server runs (its backends are its children), for CPU accounting. */
  postmasterPid(): number | undefined;
}

/** True when the PostgreSQL binaries are installed (apt-get install postgresql). */
export function postgresAvailable(): boolean {
  return existsSync(join(POSTGRES_BIN, 'initdb')) && existsSync(join(POSTGRES_BIN, 'postgres'));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Runs a binary as the `postgres` user when we are root (initdb and postgres refuse root). */
function asPostgres(binary: string, args: string[]): [string, string[]] {
  const path = join(POSTGRES_BIN, binary);
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
}

async function waitUntilReady(url: string, server: ChildProcess, output: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`postgres exited with ${server.exitCode}:\n${output()}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections in time: ${(error as Error).message}\n${output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** initdb, then start; the cluster lives until destroy() or the end of this process. */
export async function startTestCluster(): Promise<TestCluster> {
  if (!postgresAvailable()) throw new Error(`PostgreSQL is not installed (no ${POSTGRES_BIN}/initdb): apt-get install -y postgresql`);
  const dir = mkdtempSync(join(tmpdir(), 'appeal-pg-'));
  const data = join(dir, 'data');
  if (process.getuid?.() === 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  const [initdb, initArgs] = asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-instructions']);
  execFileSync(initdb, initArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await freePort();
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let server: ChildProcess | undefined;
  let log = '';

  const startServer = async (): Promise<void> => {
    log = '';
    const [bin, args] = asPostgres('postgres', [
      '-D', data, '-h', '127.0.0.1', '-p', String(port), '-k', dir,
      // Durable as in production: every acknowledged commit is on disk.
      '-c', 'fsync=on', '-c', 'synchronous_commit=on', '-c', 'full_page_writes=on',
      '-c', 'max_connections=200', '-c', 'shared_buffers=64MB',
      '-c', 'log_min_messages=warning', '-c', 'log_min_error_statement=panic',
    ]);
    // The watchdog: when this process (the test runner) is gone, stop postgres (fast shutdown).
    // runuser does not pass signals on, so the postmaster is signalled by the pid it wrote.
    const script = 'halt() { kill -INT "$(head -1 "$PG_PID_FILE" 2>/dev/null)" 2>/dev/null; wait $pg; }; '
      + '"$@" & pg=$!; trap "halt; exit 0" TERM INT; '
      + 'while kill -0 "$WATCHED_PID" 2>/dev/null && kill -0 $pg 2>/dev/null; do sleep 0.5; done; halt; '
      // The test process is gone without destroy(): its cluster's folder goes too.
      + 'kill -0 "$WATCHED_PID" 2>/dev/null || rm -rf "$PG_CLUSTER_DIR"';
    const child = spawn('bash', ['-c', script, 'postgres-watchdog', bin, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, PG_PID_FILE: join(data, 'postmaster.pid'), PG_CLUSTER_DIR: dir, WATCHED_PID: String(process.pid) },
    });
    child.unref();
    child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
    (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
    server = child;
    await waitUntilReady(adminUrl, child, () => log);
  };

  const stopServer = async (): Promise<void> => {
    const child = server;
    server = undefined;
    if (!child || child.exitCode !== null) return;
    // The child is unref'd (so a forgotten cluster never holds the test runner open): a ref'd
    // timer keeps this process alive until postgres has shut down.
    const keepAlive = setInterval(() => undefined, 1000);
    try {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    } finally {
      clearInterval(keepAlive);
    }
  };

  await startServer();
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };

  return {
    adminUrl,
    port,
    async createDatabase(prefix = 'test') {
      // template0 copies in a few milliseconds; the store migrates the new database on open.
      const name = `${prefix.replace(/[^a-z0-9_]/g, '_')}_${randomBytes(6).toString('hex')}`;
      await admin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE template0`));
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async dropDatabase(url) {
      const name = new URL(url).pathname.slice(1);
      if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`not a test database: ${name}`);
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
    stopServer,
    startServer,
    async destroy() {
      await stopServer();
      rmSync(dir, { recursive: true, force: true });
    },
    postmasterPid() {
      try {
        return Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]) || undefined;
      } catch {
        return undefined;
      }
    },
  };
}
