/**
 * `npm run bench:widget`: how soon after its script arrives the built embed shows a usable form,
 * side by side with a floor, in Debian's Chromium on 127.0.0.1.
 *
 * The floor (bench/floor/floor-form.ts) is Lit 3 and i18next 24 rendering a bare four-field form,
 * built here by Vite as an IIFE like the embed. Each measurement is a cold load in a fresh
 * context, floor and widget taking turns so both see the same machine, timed from the moment the
 * script's last byte arrived (Resource Timing's responseEnd) to the first moment the submit button
 * exists in the shadow root. At 1× and 4× CPU throttling (a mid-range phone), English, with the
 * country field shown.
 *
 * Then the round trips: a French widget with a campaign document, every answer but the script's
 * delayed by LATENCY_MS. The document and the locale file should be fetched in parallel (the
 * language is known from the attributes), so the form is ready one round trip after the script.
 *
 * Prints a table with the ratios and whether the targets hold: ≤ 1.5× the floor, one round trip.
 */
import { gzipSync } from 'node:zlib';
import { createServer } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RUNS = Number(process.env['RUNS'] ?? 15);
const LATENCY_MS = Number(process.env['LATENCY_MS'] ?? 150);
const TARGET_RATIO = 1.5;
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.json': 'application/json', '.html': 'text/html' };

/** Builds the floor into a temporary folder and returns its code. */
async function buildFloor(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'appeal-floor-'));
  try {
    await build({
      configFile: false,
      logLevel: 'silent',
      root: ROOT,
      define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      build: {
        outDir,
        target: 'safari15',
        minify: true,
        lib: { entry: join(ROOT, 'bench/floor/floor-form.ts'), formats: ['iife'], name: 'Floor', fileName: () => 'floor.js' },
      },
    });
    return await readFile(join(outDir, 'floor.js'), 'utf8');
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

// Notes when the submit button first exists (checked on every task), and when the script arrived.
const PROBE = `(function look() {
  var host = document.querySelector('appeal-widget, floor-form');
  if (host && host.shadowRoot && host.shadowRoot.querySelector('button[type=submit]')) {
    var script = performance.getEntriesByType('resource').filter(function (entry) { return /\\/(appeal-widget|floor)\\.js$/.test(entry.name); })[0];
    window.afterScript = performance.now() - script.responseEnd;
    window.reads = performance.getEntriesByType('resource').filter(function (entry) { return /json$/.test(entry.name); })
      .map(function (entry) { return { name: entry.name, start: entry.startTime, end: entry.responseEnd }; });
    return;
  }
  setTimeout(look, 0);
})();`;

const PAGES: Record<string, string> = {
  '/floor': '<script src="/floor.js"></script>',
  '/widget-en': '<script src="/dist/appeal-widget.js" data-endpoint="/api/signatures" data-campaign="bench" data-lang="en"></script>',
  '/widget-fr-document':
    '<script src="/dist/appeal-widget.js" data-endpoint="/api/signatures" data-campaign="free-baltabay" data-lang="fr" data-campaign-url="/campaign.json"></script>',
};

const page = (body: string) =>
  `<!doctype html><html lang="en"><meta charset="utf-8"><title>bench</title><script src="/probe.js"></script><p>Host page</p>${body}`;

async function startServer(floor: string, latency: { ms: number }) {
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const send = (type: string, body: string | Buffer) => response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    if (path === '/probe.js') return send('text/javascript', PROBE);
    if (path === '/floor.js') return send('text/javascript', floor);
    if (PAGES[path]) return send('text/html', page(PAGES[path]));
    // Only what the script asks for after it arrived waits: the round trips being counted.
    if (path !== '/dist/appeal-widget.js') await new Promise((resolve) => setTimeout(resolve, latency.ms));
    const file = path === '/campaign.json' ? 'demo/free-baltabay.json' : path.slice(1);
    try {
      send(TYPES[extname(file)] ?? 'application/octet-stream', await readFile(join(ROOT, file)));
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

interface Read {
  name: string;
  start: number;
  end: number;
}

/** One cold load of `url` at `cpu`× throttling: ms from the script's arrival to a usable form, and the JSON read on the way. */
async function coldLoad(browser: Browser, url: string, cpu: number): Promise<{ afterScript: number; reads: Read[] }> {
  const context = await browser.newContext();
  try {
    const tab = await context.newPage();
    if (cpu > 1) await (await context.newCDPSession(tab)).send('Emulation.setCPUThrottlingRate', { rate: cpu });
    await tab.goto(url);
    await tab.waitForFunction(() => (window as unknown as { afterScript?: number }).afterScript !== undefined, undefined, { timeout: 30_000 });
    return await tab.evaluate(() => {
      const { afterScript, reads } = window as unknown as { afterScript: number; reads: Read[] };
      return { afterScript, reads };
    });
  } finally {
    await context.close();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const floor = await buildFloor();
const embed = await readFile(join(ROOT, 'dist/appeal-widget.js'));
const latency = { ms: 0 };
const { server, base } = await startServer(floor, latency);
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });

try {
  console.log(`floor ${(gzipSync(floor).length / 1024).toFixed(1)} KiB gzipped, embed ${(gzipSync(embed).length / 1024).toFixed(1)} KiB; ${RUNS} cold loads each, taking turns`);
  console.log('\n| CPU | floor | appeal-widget | ratio | target ≤ 1.5× |\n| --- | --- | --- | --- | --- |');
  let met = true;
  for (const cpu of [1, 4]) {
    const times = { floor: [] as number[], widget: [] as number[] };
    await coldLoad(browser, `${base}/widget-en`, cpu); // a first load warms the server's file cache
    for (let run = 0; run < RUNS; run++) {
      times.floor.push((await coldLoad(browser, `${base}/floor`, cpu)).afterScript);
      times.widget.push((await coldLoad(browser, `${base}/widget-en`, cpu)).afterScript);
    }
    const ratio = median(times.widget) / median(times.floor);
    met &&= ratio <= TARGET_RATIO;
    console.log(
      `| ${cpu}× | ${median(times.floor).toFixed(0)} ms | ${median(times.widget).toFixed(0)} ms | ${ratio.toFixed(2)} | ${ratio <= TARGET_RATIO ? 'yes' : 'NO'} |`,
    );
  }

  latency.ms = LATENCY_MS;
  const ready: number[] = [];
  let serial = 0;
  for (let run = 0; run < RUNS; run++) {
    const { afterScript, reads } = await coldLoad(browser, `${base}/widget-fr-document`, 1);
    ready.push(afterScript);
    const documentRead = reads.find((read) => read.name.endsWith('/campaign.json'));
    const localeRead = reads.find((read) => read.name.endsWith('/locales/fr.json'));
    if (!documentRead || !localeRead) throw new Error(`expected the document and fr.json to be read, saw ${reads.map((read) => read.name).join(', ')}`);
    // One after the other: the second request starts only once the first has answered.
    if (Math.max(documentRead.start, localeRead.start) >= Math.min(documentRead.end, localeRead.end)) serial++;
  }
  console.log(
    `\nFrench, with a campaign document, ${LATENCY_MS} ms per answer: form ready ${median(ready).toFixed(0)} ms after the script` +
      ` (${(median(ready) / LATENCY_MS).toFixed(2)} × the latency); document and locale read one after the other in ${serial} of ${RUNS} loads (target: 0)`,
  );
  met &&= serial === 0;
  console.log(met ? '\ntargets met' : '\nTARGETS MISSED');
} finally {
  await browser.close();
  server.close();
}
