// How every test starts Debian's WebKit (Safari's engine). WebKitGTK's MiniBrowser has no headless
// mode, so each run owns an Xvfb display and a WebKitWebDriver on a free local port, and stops both.
// WPE WebKit 2.38 (cog, headless) is older and reports itself as Safari 16.0: the oldest Safari
// engine this machine runs, for checking that the build still parses there.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** The driver binary: WEBKIT_DRIVER_PATH, else Debian's webkit2gtk-driver package. */
export const WEBKIT_DRIVER_PATH = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';

/** Capabilities WebKitWebDriver accepts: classic WebDriver, since it answers a BiDi request with "Failed to match capabilities". */
export const WEBKIT_CAPABILITIES = {
  browserName: 'MiniBrowser',
  'wdio:enforceWebDriverClassic': true,
};

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts Xvfb on a display it picks itself (-displayfd) and resolves with that display's name. */
function startXvfb() {
  return new Promise((resolve, reject) => {
    const xvfb = spawn('Xvfb', ['-displayfd', '1', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    const timer = setTimeout(() => fail(new Error('Xvfb did not report a display within 20 s')), 20_000);
    const fail = (error) => {
      clearTimeout(timer);
      xvfb.kill();
      reject(error);
    };
    xvfb.once('error', (error) => fail(new Error(`Xvfb did not start (${error.message}); apt-get install xvfb`)));
    xvfb.once('exit', (code) => fail(new Error(`Xvfb exited early (${code}); is the xvfb package installed?`)));
    xvfb.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /^(\d+)\n/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      xvfb.removeAllListeners('exit');
      resolve({ display: `:${match[1]}`, process: xvfb });
    });
  });
}

async function waitForStatus(url, driver, spawnError) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const failed = spawnError();
    if (failed) throw new Error(`${driver.spawnfile} did not start (${failed.message}); see .ci/run for the Debian packages`);
    if (driver.exitCode !== null) throw new Error(`${driver.spawnfile} exited (${driver.exitCode})`);
    try {
      const response = await fetch(`${url}/status`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${driver.spawnfile} did not answer /status within 20 s`);
}

function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts a WebDriver binary on a free 127.0.0.1 port (with `display`'s process beside it, if any). */
async function startDriver(path, display) {
  const port = await freePort();
  const driver = spawn(path, [`--port=${port}`, '--host=127.0.0.1'], {
    env: display ? { ...process.env, DISPLAY: display.display } : process.env,
    stdio: 'ignore',
  });
  let spawnError;
  driver.once('error', (error) => (spawnError = error));
  const children = display ? [driver, display.process] : [driver];
  const stopAll = () => Promise.all(children.map(stopProcess));
  const onExit = () => children.forEach((child) => child.kill('SIGKILL'));
  process.once('exit', onExit);
  try {
    await waitForStatus(`http://127.0.0.1:${port}`, driver, () => spawnError);
  } catch (error) {
    await stopAll();
    throw error;
  }
  return {
    hostname: '127.0.0.1',
    port,
    async stop() {
      process.off('exit', onExit);
      await stopAll();
    },
  };
}

/**
 * An Xvfb display and a WebKitWebDriver listening on 127.0.0.1, for WebdriverIO's `remote()`.
 * Both end with the returned `stop()`, and with this process if it dies first.
 */
export async function startWebKitDriver() {
  return startDriver(WEBKIT_DRIVER_PATH, await startXvfb());
}

/** The old engine's driver: WPE WebKit 2.38 from Debian's wpewebkit-driver, with cog as its browser. */
export const WPE_DRIVER_PATH = process.env.WPE_DRIVER_PATH ?? '/usr/bin/WPEWebDriver';

/** Capabilities for WPEWebDriver: cog on its headless platform, so no display is needed. */
export const WPE_CAPABILITIES = {
  browserName: 'cog',
  'wdio:enforceWebDriverClassic': true,
  'wpe:browserOptions': { binary: process.env.COG_PATH ?? '/usr/bin/cog', args: ['--automation', '--platform=headless'] },
};

/** A WPEWebDriver listening on 127.0.0.1; ends with the returned `stop()`. */
export function startWpeDriver() {
  return startDriver(WPE_DRIVER_PATH);
}
