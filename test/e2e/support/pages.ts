/**
 * Shared helpers for the end-to-end tests: a snapshot of the built bundle, the real receiver,
 * a tiny static server for pages that need their own headers, Chromium, locale strings, and a
 * few ways of driving the widget the way a signer would.
 *
 * Everything binds 127.0.0.1 and every helper returns something with a `close()` for `after()`.
 */
import { execFileSync } from 'node:child_process';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../../scripts/chromium.mjs';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../server/src/app.ts';
import { TEST_BOT_ENV } from '../../../server/test/helpers.ts';
import { seedCampaigns } from '../../../server/test/support/campaigns.ts';
import { E2E_CAMPAIGNS } from './campaigns.ts';
import { loadConfig } from '../../../server/src/config/load-config.ts';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The build under test: `dist/`, or another build folder named by APPEAL_E2E_DIST. */
export const DIST = process.env['APPEAL_E2E_DIST'] ? resolve(process.env['APPEAL_E2E_DIST']) : join(ROOT, 'dist');
export const DEMO = join(ROOT, 'demo');
export const EXPORT_TOKEN = 'e2e-export-token-0123456789';

/** A fresh temporary directory; removed by `removeTemp` (call it in `after()`). */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `appeal-e2e-${prefix}-`));
}

export function removeTemp(...dirs: (string | undefined)[]): void {
  for (const dir of dirs) if (dir) rmSync(dir, { recursive: true, force: true });
}

const BUNDLE_FILES = ['appeal-widget.js', 'locales/en.json', 'locales/fr.json', 'locales/ar.json', 'assets/share-icons.json'];

function distComplete(dir: string): boolean {
  return BUNDLE_FILES.every((file) => existsSync(join(dir, file)) && statSync(join(dir, file)).size > 0);
}

/**
 * A private copy of the built `dist/` (built first with `npm run build` when missing). Another
 * engineer may rebuild `dist/` while the tests run (the build empties the folder first), so each
 * test file serves its own snapshot and never sees a half-written bundle.
 */
export function snapshotDist(): string {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    if (!distComplete(DIST)) {
      if (attempt > 0) execFileSync('sleep', ['2']); // maybe a rebuild in progress: give it a moment
      if (!distComplete(DIST) && !process.env['APPEAL_E2E_DIST']) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    }
    const copy = tempDir('dist');
    try {
      cpSync(DIST, copy, { recursive: true, filter: (source) => !source.includes(`${sep}types`) && !source.endsWith('.map') });
      if (distComplete(copy)) return copy;
    } catch {
      // The folder changed under us: try again.
    }
    removeTemp(copy);
  }
  throw new Error('could not get a complete copy of dist/ (npm run build)');
}

/** Chromium as the machine has it (see /work/shared/BROWSER-TESTING.md). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** The real receiver, in-process, with its own database. */
export interface Receiver {
  url: string;
  token: string;
  /** The receiver itself (its store, for tests that add an organiser). */
  app: FastifyInstance;
  /** Its SQLite file (DATABASE_PATH). */
  databasePath: string;
  close(): Promise<void>;
  count(campaign: string): Promise<number>;
  csv(campaign: string): Promise<Record<string, string>[]>;
}

export async function startReceiver(
  options: {
    demo?: string;
    dist?: string;
    /** The console's build served at /admin/ (default: the repository's dist/console/). */
    console?: string;
    env?: Record<string, string>;
    /** Extra route plugins, registered after the console's sessions (buildApp's `plugins`). */
    plugins?: ((app: FastifyInstance) => Promise<void>)[];
    /** The campaigns created open and without letters before it listens (default: E2E_CAMPAIGNS). */
    campaigns?: readonly string[];
  } = {},
): Promise<Receiver> {
  const dataDir = tempDir('db');
  const config = loadConfig({
    DATABASE_PATH: join(dataDir, 'signatures.sqlite'),
    PORT: '0',
    HOST: '127.0.0.1',
    EXPORT_TOKEN,
    RATE_LIMIT_MAX: '1000',
    LOG_LEVEL: 'silent',
    // A test fills the form in milliseconds: the minimum time is the bot tests' business
    // (bots.test.ts); the test secret lets tests that post directly mint the widget's token.
    ...TEST_BOT_ENV,
    ...options.env,
  });
  const staticRoots = {
    demo: options.demo === undefined ? undefined : resolve(options.demo),
    dist: options.dist === undefined ? undefined : resolve(options.dist),
    console: options.console === undefined ? undefined : resolve(options.console),
  };
  const app = buildApp(config, { staticRoots, plugins: options.plugins ?? [] });
  await seedCampaigns(app.signatureStore, options.campaigns ?? E2E_CAMPAIGNS);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    url,
    token: EXPORT_TOKEN,
    app,
    databasePath: config.databasePath,
    async close() {
      await app.close();
      removeTemp(dataDir);
    },
    count: (campaign) => fetchCount(url, campaign),
    csv: (campaign) => fetchCsv(url, campaign, EXPORT_TOKEN),
  };
}

export async function fetchCount(base: string, campaign: string): Promise<number> {
  const response = await fetch(`${base}/api/campaigns/${campaign}/count`);
  if (!response.ok) throw new Error(`count: HTTP ${response.status}`);
  return ((await response.json()) as { count: number }).count;
}

export async function fetchCsv(base: string, campaign: string, token: string): Promise<Record<string, string>[]> {
  const response = await fetch(`${base}/api/campaigns/${campaign}/signatures.csv`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw new Error(`csv: HTTP ${response.status}`);
  return parseCsv(await response.text());
}

/** RFC 4180 CSV (quoted cells, doubled quotes, CRLF, optional BOM) as objects keyed by the header. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const input = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < input.length; i += 1) {
    const char = input[i]!;
    if (quoted) {
      if (char === '"' && input[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && input[i + 1] === '\n') i += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  const [header, ...records] = rows;
  return records.map((record) => Object.fromEntries(header!.map((name, index) => [name, record[index] ?? ''])));
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * A tiny static server for pages that need their own headers (CSP, …): serves `root`, adds
 * `headers(path)` to every answer, and hands `/api/*` to `proxy` (usually a receiver) so the
 * page and the API share one origin.
 */
export interface StubAnswer {
  status: number;
  body: unknown;
}

export async function staticServer(
  root: string,
  options: {
    headers?: (path: string) => Record<string, string>;
    proxy?: string;
    /** Answers a request itself (a stub endpoint) when it returns something. */
    handle?: (method: string, path: string, body: string, contentType: string) => StubAnswer | undefined;
  } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const answer = options.handle?.(request.method ?? 'GET', path, Buffer.concat(chunks).toString('utf8'), request.headers['content-type'] ?? '');
      if (answer) {
        response.writeHead(answer.status, { 'content-type': 'application/json', ...options.headers?.(path) });
        response.end(JSON.stringify(answer.body));
        return;
      }
      if (options.proxy && path.startsWith('/api/')) {
        const headers: Record<string, string> = {};
        for (const name of ['content-type', 'authorization', 'accept']) {
          const value = request.headers[name];
          if (typeof value === 'string') headers[name] = value;
        }
        const answer = await fetch(`${options.proxy}${request.url}`, {
          method: request.method,
          headers,
          body: chunks.length ? Buffer.concat(chunks) : undefined,
        });
        response.writeHead(answer.status, {
          'content-type': answer.headers.get('content-type') ?? 'application/octet-stream',
          ...options.headers?.(path),
        });
        response.end(Buffer.from(await answer.arrayBuffer()));
        return;
      }
      const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
      if (!file.startsWith(normalize(root)) || !existsSync(file) || !statSync(file).isFile()) {
        response.writeHead(404, { 'content-type': 'text/plain', ...options.headers?.(path) });
        response.end('not found');
        return;
      }
      response.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        ...options.headers?.(path),
      });
      response.end(readFileSync(file));
    })().catch((error: unknown) => {
      response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

// ---- locale strings ---------------------------------------------------------------------------

export type Strings = { [key: string]: string | Strings };

/** `locales/<lng>.json` as the translator wrote it. */
export function localeStrings(lng: string): Strings {
  return JSON.parse(readFileSync(join(ROOT, 'locales', `${lng}.json`), 'utf8')) as Strings;
}

/** The message `key` (dotted) of `strings`, with `{{name}}` placeholders filled in. */
export function tr(strings: Strings, key: string, values: Record<string, string | number> = {}): string {
  let node: string | Strings | undefined = strings;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  if (typeof node !== 'string') throw new Error(`no message ${key}`);
  return node.replace(/{{\s*(\w+)\s*}}/g, (_match, name: string) => String(values[name] ?? `{{${name}}}`));
}

// ---- the page ---------------------------------------------------------------------------------

/**
 * Collects uncaught page errors and console errors for a page. A failed load names its URL;
 * the browser's own `/favicon.ico` probe (the test pages have no icon) is not an error of ours.
 */
export function watchErrors(page: Page): { pageErrors: Error[]; consoleErrors: string[] } {
  const found = { pageErrors: [] as Error[], consoleErrors: [] as string[] };
  page.on('pageerror', (error) => found.pageErrors.push(error));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const { url } = message.location();
    if (/^Failed to load resource/.test(message.text())) {
      if (!url.endsWith('/favicon.ico')) found.consoleErrors.push(`${message.text()} (${url})`);
    } else found.consoleErrors.push(message.text());
  });
  return found;
}

/** Waits until `widget` (an `appeal-widget` locator) has rendered its form (its country list too), thanks step or closed notice. */
export async function waitForWidget(widget: Locator): Promise<void> {
  await widget.locator('form, [part="thanks"], [part="closed"], [part="config-error"]').first().waitFor({ state: 'visible', timeout: 15_000 });
  // The country list and the language menu's names follow the first paint, busy until then.
  await widget.locator('[aria-busy]').first().waitFor({ state: 'detached', timeout: 15_000 });
}

export interface Signer {
  firstName?: string;
  lastName?: string;
  name?: string;
  email: string;
  country?: string;
}

/** Fills the form as a person would (click, type), chooses a country and ticks consent. */
export async function fillSigner(widget: Locator, signer: Signer, { consent = true } = {}): Promise<void> {
  for (const key of ['firstName', 'lastName', 'name', 'email'] as const) {
    const value = signer[key];
    if (value !== undefined) await widget.locator(`[name="${key}"]`).fill(value);
  }
  if (signer.country) await widget.locator('select[name="country"]').selectOption(signer.country);
  if (consent) await widget.locator('input[name="consentUpdates"][value="yes"]').check();
}

/** The number in a counter text such as "1,234 signatures" or "1 234 signatures". */
export function parseCount(text: string): number {
  const digits = text.replace(/[\s\u00a0\u202f,.'’]/g, '').match(/\d+/);
  if (!digits) throw new Error(`no number in "${text}"`);
  return Number(digits[0]);
}

/** Makes a page HTML document with `body` inside, for a temp static root. */
export function htmlPage(body: string, { lang = 'en', head = '', title = 'appeal-widget e2e' } = {}): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${head}
</head>
<body>
${body}
</body>
</html>
`;
}

/**
 * tsx compiles with esbuild's keepNames, which wraps named inner functions of a callback passed
 * to `page.evaluate` in `__name(…)`, a helper the page does not have: give the page a no-op one.
 */
export async function allowNamedFunctions(page: Page): Promise<void> {
  await page.evaluate('globalThis.__name ??= (fn) => fn');
}
