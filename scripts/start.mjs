#!/usr/bin/env node
/**
 * `npm start`: build the widget if needed, then serve the demo page (/), the built widget
 * (/dist/) and the reference receiver (/api/…) on one local port, so a newcomer can sign the
 * demo campaign end to end on first run.
 *
 * - Rebuilds (`npm run build`) when dist/appeal-widget.js is missing or older than any file in
 *   src/ or locales/. A failed or missing build is reported and the receiver starts anyway.
 * - EXPORT_TOKEN defaults to a random token per start (printed with a ready curl line), the
 *   development organiser's password to a random one per start (printed with the console's
 *   address), and ALLOWED_ORIGINS to the demo's own origins: see start-env.mjs.
 * - Every other variable (PORT, HOST, DATABASE_PATH, …) passes through to server/src/main.ts.
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEnvironment } from './start-env.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WIDGET = join(ROOT, 'dist', 'appeal-widget.js');

/** Newest modification time (ms) of the files under `dir`, 0 when it does not exist. */
function newestMtime(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.isFile()) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function buildReason() {
  let built;
  try {
    built = statSync(WIDGET).mtimeMs;
  } catch {
    return 'dist/appeal-widget.js is missing';
  }
  const sources = Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'locales')));
  return sources > built ? 'src/ or locales/ changed since the last build' : undefined;
}

/** `npm run build`, with the npm that runs us when there is one. */
function runBuild() {
  const npmCli = process.env.npm_execpath;
  const [command, args] = npmCli && /\.[cm]?js$/.test(npmCli)
    ? [process.execPath, [npmCli, 'run', 'build']]
    : ['npm', ['run', 'build']];
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' && command === 'npm' });
    child.on('error', (error) => resolve(`could not run npm: ${error.message}`));
    child.on('exit', (code, signal) => resolve(code === 0 ? undefined : `npm run build failed (${signal ?? `exit code ${code}`})`));
  });
}

const reason = buildReason();
if (reason) {
  console.log(`appeal-widget: building the widget (${reason})…`);
  const failure = await runBuild();
  if (failure) {
    console.error(`appeal-widget: ${failure}; starting the receiver anyway` +
      (buildReason() === 'dist/appeal-widget.js is missing' ? ' (the demo page will not find /dist/appeal-widget.js)' : ' with the previous build'));
  }
}

const { env, exportToken, adminToken, tokenNote, organiserPassword, organiserNote } = startEnvironment(process.env);

const server = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server', 'src', 'main.ts')], {
  cwd: ROOT,
  env,
  stdio: ['inherit', 'pipe', 'inherit'],
});

let announced = false;
server.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  if (announced) return;
  const match = /listening on (http:\/\/\S+)/.exec(chunk.toString());
  if (!match) return;
  announced = true;
  const url = match[1].replace('://0.0.0.0', '://127.0.0.1').replace('://[::]', '://127.0.0.1');
  const letters = env.SMTP_URL?.trim()
    ? `  Letters:     sent through SMTP_URL to the targets (see the README before signing)`
    : `  Letters:     ${url}/dev/mail/  (captured locally: nothing is sent to the real targets)`;
  console.log(`
  Demo page:   ${url}/
${letters}
  Widget:      ${url}/dist/appeal-widget.js
  Campaign:    curl ${url}/api/campaigns/free-baltabay
  CSV export:  curl -H "Authorization: Bearer ${exportToken}" ${url}/api/campaigns/free-baltabay/signatures.csv${tokenNote}
  Admin API:   curl -H "Authorization: Bearer ${adminToken}" ${url}/api/admin/campaigns/free-baltabay
  Console:     ${url}/admin/  log in as organiser@demo.invalid, password ${organiserPassword}${organiserNote}
  Stop with Ctrl+C.
`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.kill(signal));
}
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
