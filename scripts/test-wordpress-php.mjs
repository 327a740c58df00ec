// `npm run test:wordpress-php`: `php -l` on every PHP file of the WordPress plugin and its tests,
// then the plugin's PHPUnit tests (wordpress/tests/) with Debian's phpunit. Without php or phpunit
// it says so and skips, except in CI (CI=true), where a missing tool fails the run.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WORDPRESS = join(ROOT, 'wordpress');

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function phpFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return phpFiles(path);
    return path.endsWith('.php') ? [path] : [];
  });
}

const missing = ['php', 'phpunit'].filter((command) => !has(command));
if (missing.length) {
  const message = `${missing.join(' and ')} not installed (apt-get install php phpunit): WordPress plugin PHP tests`;
  if (process.env['CI'] === 'true') {
    console.error(`FAIL: ${message} cannot run in CI.`);
    process.exit(1);
  }
  console.log(`SKIP: ${message} skipped.`);
  process.exit(0);
}

let failed = 0;
const files = phpFiles(WORDPRESS);
for (const file of files) {
  const lint = spawnSync('php', ['-l', file], { encoding: 'utf8' });
  if (lint.status !== 0) {
    failed += 1;
    process.stderr.write(lint.stdout + lint.stderr);
  }
}
console.log(`php -l: ${files.length - failed}/${files.length} files clean`);
if (failed) process.exit(1);
execFileSync('phpunit', ['-c', join(WORDPRESS, 'tests', 'phpunit.xml')], { stdio: 'inherit' });
