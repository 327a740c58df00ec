/**
 * A real WordPress for the plugin's end-to-end test: Debian's `wordpress` package (6.1) copied to
 * a temporary folder with its own wp-config.php, a private MariaDB server on a Unix socket, and
 * PHP's built-in web server on 127.0.0.1. Small PHP scripts that load wp-load.php install the
 * site, the plugin's zip and the posts, as WP-CLI would.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { removeTemp, tempDir } from './pages.ts';

const WORDPRESS_DIR = '/usr/share/wordpress';
const MARIADBD = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld'].find((path) => existsSync(path));

/** What this machine lacks to run WordPress (Debian package names), empty when nothing. */
export function missingWordPressPackages(): string[] {
  const missing: string[] = [];
  if (!existsSync(join(WORDPRESS_DIR, 'wp-load.php'))) missing.push('wordpress');
  if (!MARIADBD || spawnSync('sh', ['-c', 'command -v mariadb-install-db'], { stdio: 'ignore' }).status !== 0) missing.push('mariadb-server');
  const php = spawnSync('php', ['-r', 'echo extension_loaded("mysqli") ? "yes" : "no";'], { encoding: 'utf8' });
  if (php.status !== 0) missing.push('php');
  else if (php.stdout !== 'yes') missing.push('php-mysql');
  return missing;
}

/** A free TCP port on 127.0.0.1 (for the PHP server, whose origin the receiver must know first). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGTERM');
  });
}

export interface WordPress {
  url: string;
  /** WordPress's debug.log (WP_DEBUG_LOG). */
  debugLog: string;
  /** The site's copy of WordPress (ABSPATH). */
  root: string;
  /** Runs `code` (PHP, without `<?php`) with WordPress loaded; returns what it echoes. */
  php(code: string): string;
  close(): Promise<void>;
}

/** Starts MariaDB and PHP's server over a fresh copy of Debian's WordPress (not yet installed). */
export async function startWordPress(port: number): Promise<WordPress> {
  const dir = tempDir('wordpress');
  const root = join(dir, 'site');
  const data = join(dir, 'mysql');
  const socket = join(dir, 'mysqld.sock');
  const debugLog = join(dir, 'debug.log');
  const url = `http://127.0.0.1:${port}`;
  let mariadb: ChildProcess | undefined;
  let server: ChildProcess | undefined;
  const close = async () => {
    await stop(server);
    await stop(mariadb);
    removeTemp(dir);
  };
  try {
    // MariaDB as root, in a private data folder, reachable only through its socket.
    mkdirSync(data);
    const install = spawnSync('mariadb-install-db', ['--no-defaults', `--datadir=${data}`, '--user=root', '--skip-test-db', '--auth-root-authentication-method=normal'], { encoding: 'utf8' });
    if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr || install.stdout}`);
    mariadb = spawn(MARIADBD!, [
      '--no-defaults', `--datadir=${data}`, `--socket=${socket}`, `--pid-file=${join(dir, 'mysqld.pid')}`, '--skip-networking',
      '--user=root', '--skip-grant-tables', '--skip-log-bin', '--innodb-buffer-pool-size=32M', `--log-error=${join(dir, 'mysqld.err')}`,
    ], { stdio: 'ignore' });
    await waitFor(() => existsSync(socket), 'MariaDB');

    // Debian links some of WordPress's files to its own packages (underscore, certificates, getID3) by
    // relative symlinks: cpSync points the copies at the same targets.
    cpSync(WORDPRESS_DIR, root, { recursive: true, filter: (path) => !path.endsWith('/.htaccess') });
    const key = () => randomBytes(24).toString('hex');
    writeFileSync(join(root, 'wp-config.php'), `<?php
// The end-to-end test's site: its own database on a private socket, debug log on, no outside traffic.
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'root' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', 'localhost:${socket}' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
${['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT'].map((name) => `define( '${name}', '${key()}' );`).join('\n')}
$table_prefix = 'wp_';
define( 'WP_HOME', '${url}' );
define( 'WP_SITEURL', '${url}' );
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_LOG', '${debugLog}' );
define( 'WP_DEBUG_DISPLAY', false );
define( 'FS_METHOD', 'direct' );
define( 'DISABLE_WP_CRON', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
`);
    // PHP's server serves files as they are and sends everything else to WordPress's index.php.
    writeFileSync(join(dir, 'router.php'), `<?php
$path = parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH );
if ( '/' !== $path && file_exists( __DIR__ . '/site' . $path ) ) {
	return false;
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
require __DIR__ . '/site/index.php';
`);
    const created = spawnSync('php', ['-r', `$db = new mysqli( 'localhost', 'root', '', '', 0, '${socket}' ); $db->query( 'CREATE DATABASE wordpress' ) || exit( 1 );`], { encoding: 'utf8' });
    if (created.status !== 0) throw new Error(`could not create the database: ${created.stderr}${created.stdout}`);

    server = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', root, join(dir, 'router.php')], {
      cwd: root,
      stdio: 'ignore',
      env: { ...process.env, PHP_CLI_SERVER_WORKERS: '4' },
    });
    await waitFor(async () => {
      try {
        await fetch(`${url}/readme.html`);
        return true;
      } catch {
        return false;
      }
    }, 'PHP server');
  } catch (error) {
    await close();
    throw error;
  }

  let scripts = 0;
  return {
    url,
    debugLog,
    root,
    php(code: string) {
      scripts += 1;
      const file = join(dir, `script-${scripts}.php`);
      writeFileSync(file, `<?php
$_SERVER['HTTP_HOST'] = '127.0.0.1:${port}';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_NAME'] = '127.0.0.1';
$_SERVER['SERVER_PORT'] = '${port}';
${code}
`);
      const run = spawnSync('php', [file], { cwd: root, encoding: 'utf8', timeout: 120_000 });
      if (run.status !== 0) throw new Error(`PHP script failed (${run.status}): ${run.stdout}\n${run.stderr}`);
      return run.stdout;
    },
    close,
  };
}

/** Lines of WordPress's debug log that name the plugin (its folder, or its functions and classes). */
export function pluginLogLines(debugLog: string): string[] {
  if (!existsSync(debugLog)) return [];
  return readFileSync(debugLog, 'utf8')
    .split('\n')
    .filter((line) => /appeal[-_]widget|Appeal_Widget/i.test(line));
}
