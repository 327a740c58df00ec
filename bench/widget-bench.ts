/**
 * `npm run bench:widget`: how fast the built embed turns a script tag into a usable form, in
 * Debian's Chromium on 127.0.0.1. Loads a plain page 20 times (fresh context each, so nothing is
 * cached) and reports, in milliseconds from navigation start, the first moment the form is
 * rendered: for English, bundled; for French, after its locale file is fetched.
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RUNS = Number(process.env.RUNS ?? 20);
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.json': 'application/json', '.html': 'text/html' };

const page = (lang: string) => `<!doctype html><html lang="${lang}"><meta charset="utf-8"><title>bench</title>
<script src="/probe.js"></script>
<p>Host page</p><script src="/dist/appeal-widget.js" data-endpoint="/api/signatures" data-campaign="bench"></script>`;

// Notes the first moment the widget's submit button exists, checking every frame and every task.
const PROBE = `(function look() {
  var button = document.querySelector('appeal-widget');
  if (button && button.shadowRoot && button.shadowRoot.querySelector('button[type=submit]')) { window.ready = performance.now(); return; }
  setTimeout(look, 1);
})();`;

const server = createServer(async (request, response) => {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  if (url.pathname === '/probe.js') {
    response.writeHead(200, { 'content-type': 'text/javascript' }).end(PROBE);
    return;
  }
  if (url.pathname === '/en' || url.pathname === '/fr') {
    response.writeHead(200, { 'content-type': 'text/html' }).end(page(url.pathname.slice(1)));
    return;
  }
  try {
    const body = await readFile(join(ROOT, url.pathname));
    response.writeHead(200, { 'content-type': TYPES[extname(url.pathname)] ?? 'application/octet-stream' }).end(body);
  } catch {
    response.writeHead(404).end();
  }
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as { port: number };

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))]!;

try {
  for (const lang of ['en', 'fr']) {
    const ready: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext();
      const tab = await context.newPage();
      await tab.goto(`http://127.0.0.1:${port}/${lang}`);
      await tab.waitForFunction(() => (window as unknown as { ready?: number }).ready !== undefined);
      ready.push(await tab.evaluate(() => (window as unknown as { ready: number }).ready));
      await context.close();
    }
    console.log(`${lang}: form ready p50 ${percentile(ready, 0.5).toFixed(0)} ms, p95 ${percentile(ready, 0.95).toFixed(0)} ms over ${RUNS} cold loads`);
  }
} finally {
  await browser.close();
  server.close();
}
