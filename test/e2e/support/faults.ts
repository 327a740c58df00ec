/**
 * Fault injection for the browser tests of issue 7: the real receiver in-process (temporary
 * SQLite file), and in front of it a small HTTP proxy that serves the test pages and the built
 * widget, forwards `/api/*` to the receiver, and can be told to misbehave: refuse every API
 * request ("down"), answer a status N times, hold an answer past the widget's timeout, answer
 * 429 with Retry-After, redirect, or answer 200 with an HTML page. It records every request it sees, with timestamps.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../../server/src/app.ts';
import { seedCampaigns } from '../../../server/test/support/campaigns.ts';
import { E2E_CAMPAIGNS } from './campaigns.ts';
import { loadConfig } from '../../../server/src/config/load-config.ts';
import { csvRecords, TEST_BOT_ENV } from '../../../server/test/helpers.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DIST = join(REPO_ROOT, 'dist');
export const EXPORT_TOKEN = 'resilience-export-token-0123456789';

// ---- the receiver ------------------------------------------------------------------------------

export interface Receiver {
  url: string;
  /** `GET /api/campaigns/<campaign>/count`, asked of the receiver directly. */
  count(campaign: string): Promise<number>;
  /** The CSV export of `campaign`, parsed into records. */
  csv(campaign: string): Promise<Record<string, string>[]>;
  close(): Promise<void>;
}

/** The real receiver (`buildApp`) on 127.0.0.1, a free port, a temporary SQLite file, rate limits out of the way. */
export async function startReceiver(): Promise<Receiver> {
  const dir = mkdtempSync(join(tmpdir(), 'appeal-resilience-'));
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_PATH: join(dir, 'signatures.sqlite'),
    EXPORT_TOKEN,
    RATE_LIMIT_MAX: '100000',
    READ_RATE_LIMIT_MAX: '100000',
    // These tests fill the form in milliseconds; the minimum time is the bot tests' business.
    ...TEST_BOT_ENV,
  });
  const app = buildApp(config);
  await seedCampaigns(app.signatureStore, E2E_CAMPAIGNS);
  await app.listen({ host: config.host, port: config.port });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    url,
    async count(campaign) {
      const response = await fetch(`${url}/api/campaigns/${campaign}/count`);
      if (!response.ok) throw new Error(`count: HTTP ${response.status}`);
      return ((await response.json()) as { count: number }).count;
    },
    async csv(campaign) {
      const response = await fetch(`${url}/api/campaigns/${campaign}/signatures.csv`, {
        headers: { authorization: `Bearer ${EXPORT_TOKEN}` },
      });
      if (!response.ok) throw new Error(`csv: HTTP ${response.status}`);
      return csvRecords(await response.text());
    },
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- the fault proxy ---------------------------------------------------------------------------

/** A fault applied to the next POST /api/signatures. */
export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string> }
  | { kind: 'slow'; delayMs: number }
  /** Neither forwarded nor answered: the request hangs until the browser gives up. */
  | { kind: 'hang' }
  /** Not forwarded: answered with a redirect, as an http→https or trailing-slash rule or a moved endpoint would. */
  | { kind: 'redirect'; status: 301 | 302 | 303 | 307 | 308; location: string }
  /** Not forwarded: answered 200 with an HTML page, as a captive portal or a CMS catch-all would. */
  | { kind: 'html' };

/** One request as the proxy saw it; times are milliseconds on the proxy's clock (`proxy.now()`). */
export interface SeenRequest {
  at: number;
  method: string;
  path: string;
  /** What the proxy did: refused it (down), answered it itself, held the answer, or passed it through. */
  fault: 'down' | 'status' | 'slow' | 'hang' | 'redirect' | 'html' | 'pass';
  /** For POST /api/signatures: the payload's id, campaign and email. */
  id?: string;
  campaign?: string;
  email?: string;
  /** The receiver's status, when the request was forwarded, and when it answered. */
  receiverStatus?: number;
  receiverAt?: number;
  /** The status the browser got, and when; undefined if it got none (refused, or gave up first). */
  status?: number;
  answeredAt?: number;
  /** The browser closed the connection before it was answered (its timeout fired). */
  abandonedAt?: number;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};
// Hop-by-hop headers are the proxy's own business on each side.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade', 'te', 'trailer']);

export interface FaultProxy {
  url: string;
  /** Every request seen, in order of arrival. */
  readonly requests: SeenRequest[];
  /** The POST /api/signatures requests, optionally of one campaign. */
  posts(campaign?: string): SeenRequest[];
  /** Milliseconds on the proxy's clock. */
  now(): number;
  /** Refuse every `/api/*` request: the socket is closed without an answer. */
  down(): void;
  /** Pass `/api/*` through again; returns the time it happened. */
  up(): number;
  /** Queue faults for the next POST /api/signatures, one per request, in order. */
  plan(...faults: Fault[]): void;
  /** Serve `html` at `path`. */
  page(path: string, html: string): void;
  /** Forgets recorded requests, planned faults and the down state. */
  reset(): void;
  close(): Promise<void>;
}

/** Starts the proxy on 127.0.0.1 in front of `receiverUrl`. */
export async function startFaultProxy(receiverUrl: string): Promise<FaultProxy> {
  const started = performance.now();
  const now = () => Math.round((performance.now() - started) * 10) / 10;
  const requests: SeenRequest[] = [];
  const pages = new Map<string, string>();
  const held = new Set<ReturnType<typeof setTimeout>>();
  let planned: Fault[] = [];
  let isDown = false;

  const server = createServer((request, response) => {
    // Every answer closes its connection, so each attempt of the widget is one fresh connection:
    // Chromium silently re-sends a request whose reused keep-alive socket closed without an
    // answer, which would blur "one attempt, one request" in the "down" mode.
    response.setHeader('connection', 'close');
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`fault proxy: ${String(error)}`);
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0]!;
    if (path.startsWith('/api/')) return api(request, response, path);
    const page = pages.get(path);
    if (page !== undefined) return send(response, 200, { 'content-type': CONTENT_TYPES['.html']! }, page);
    if (path.startsWith('/dist/')) {
      const file = resolve(DIST, decodeURIComponent(path.slice('/dist/'.length)));
      if (file.startsWith(DIST + sep)) {
        // Read on every request: another build may replace dist/ while the tests run.
        const body = await readFile(file).catch(() => undefined);
        if (body) return send(response, 200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }, body);
      }
    }
    return send(response, 404, { 'content-type': 'application/json' }, JSON.stringify({ error: 'not-found', path }));
  }

  async function api(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    const seen: SeenRequest = { at: now(), method: request.method ?? 'GET', path, fault: 'pass' };
    requests.push(seen);
    const body = await readBody(request);
    const isSignature = seen.method === 'POST' && path === '/api/signatures';
    if (isSignature) {
      try {
        const payload = JSON.parse(body.toString('utf8')) as { id?: string; campaign?: string; signer?: { email?: string } };
        Object.assign(seen, { id: payload.id, campaign: payload.campaign, email: payload.signer?.email });
      } catch {
        // Not JSON (the form format): recorded without the details.
      }
    }
    if (isDown) {
      seen.fault = 'down';
      request.socket.destroy();
      return;
    }
    response.on('close', () => {
      if (!response.writableFinished) seen.abandonedAt = now();
    });
    const fault = isSignature ? planned.shift() : undefined;
    if (fault?.kind === 'status') {
      seen.fault = 'status';
      const answer = JSON.stringify({ error: 'injected', message: `fault proxy: injected ${fault.status}` });
      send(response, fault.status, { 'content-type': 'application/json', ...fault.headers }, answer);
      Object.assign(seen, { status: fault.status, answeredAt: now() });
      return;
    }
    if (fault?.kind === 'redirect') {
      seen.fault = 'redirect';
      send(response, fault.status, { location: fault.location }, '');
      Object.assign(seen, { status: fault.status, answeredAt: now() });
      return;
    }
    if (fault?.kind === 'html') {
      seen.fault = 'html';
      send(response, 200, { 'content-type': CONTENT_TYPES['.html']! }, '<!doctype html><title>Wi-Fi</title><p>Please log in to use the Wi-Fi.</p>');
      Object.assign(seen, { status: 200, answeredAt: now() });
      return;
    }
    if (fault?.kind === 'hang') {
      seen.fault = 'hang';
      return;
    }
    const upstream = await forward(request, body);
    Object.assign(seen, { receiverStatus: upstream.status, receiverAt: now() });
    if (fault?.kind === 'slow') {
      seen.fault = 'slow';
      await new Promise<void>((done) => {
        const timer = setTimeout(() => {
          held.delete(timer);
          done();
        }, fault.delayMs);
        held.add(timer);
      });
    }
    if (response.destroyed) return;
    send(response, upstream.status, upstream.headers, upstream.body);
    Object.assign(seen, { status: upstream.status, answeredAt: now() });
  }

  function forward(request: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    return new Promise((done, fail) => {
      const upstream = httpRequest(
        `${receiverUrl}${request.url}`,
        { method: request.method, headers: withoutHopByHop(request.headers) },
        (answer) => {
          readBody(answer).then((answerBody) => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(withoutHopByHop(answer.headers))) {
              if (value !== undefined && name !== 'content-length') headers[name] = Array.isArray(value) ? value.join(', ') : value;
            }
            done({ status: answer.statusCode ?? 502, headers, body: answerBody });
          }, fail);
        },
      );
      upstream.on('error', fail);
      upstream.end(body);
    });
  }

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    posts: (campaign) => requests.filter((seen) => seen.method === 'POST' && seen.path === '/api/signatures' && (!campaign || seen.campaign === campaign)),
    now,
    down() {
      isDown = true;
    },
    up() {
      isDown = false;
      return now();
    },
    plan(...faults) {
      planned.push(...faults);
    },
    page(path, html) {
      pages.set(path, html);
    },
    reset() {
      requests.length = 0;
      planned = [];
      isDown = false;
    },
    async close() {
      held.forEach(clearTimeout);
      held.clear();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  if (response.destroyed) return;
  response.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  response.end(body);
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => done(Buffer.concat(chunks)));
    stream.on('error', fail);
  });
}

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));
}

// ---- pages and browser -------------------------------------------------------------------------

/**
 * A host page with one embedded widget for `campaign`, as a site owner would write it: with the
 * receiver's count, which also hands the widget its form token (README "Bots and floods").
 */
export function widgetPage(campaign: string, attributes: Record<string, string> = {}): string {
  const data = Object.entries({ endpoint: '/api/signatures', campaign, 'count-url': `/api/campaigns/${campaign}/count`, ...attributes })
    .map(([name, value]) => ` data-${name}="${value.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Resilience: ${campaign}</title></head>
<body>
<main>
<h1>A host page</h1>
<p>Some article text above the appeal.</p>
<script src="/dist/appeal-widget.js"${data}></script>
<p>Some article text below the appeal.</p>
</main>
</body>
</html>`;
}

/** Debian's Chromium, as every test starts it. */
export { launchBrowser } from './pages.ts';

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitUntil<T>(check: () => T | Promise<T>, timeoutMs: number, what: string, intervalMs = 50): Promise<Exclude<T, false | undefined>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as Exclude<T, false | undefined>;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, intervalMs));
  }
}
