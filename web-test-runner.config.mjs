// Browser tests: the sources, run in Debian's Chromium, Firefox ESR and WebKitGTK (Safari's engine),
// with a real local endpoint to post to. APPEAL_BROWSERS=firefox (or a comma list) runs fewer.
import { readFile } from 'node:fs/promises';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher, puppeteerCore } from '@web/test-runner-chrome';
import { WebdriverLauncher } from '@web/test-runner-webdriver';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium.mjs';
import { FIREFOX_LAUNCH_OPTIONS } from './scripts/firefox.mjs';
import { startWebKitDriver, WEBKIT_CAPABILITIES } from './scripts/webkit.mjs';
import { localeCodes } from './scripts/locales.mjs';
import { signatureEndpoint } from './test/support/signature-endpoint.mjs';

/** Serves `import strings from './x.json'` as a module, while plain fetches still get JSON. */
const jsonModules = {
  name: 'json-modules',
  resolveImport({ source }) {
    return source.endsWith('.json') ? `${source}?as-module` : undefined;
  },
  async serve(context) {
    if (!context.URL.searchParams.has('as-module')) return undefined;
    const json = await readFile(new URL(`.${context.path}`, import.meta.url), 'utf8');
    return { body: `export default ${json};`, type: 'js' };
  },
};

/** WebdriverIO's launcher, owning the Xvfb display and the WebKitWebDriver it talks to. */
class WebKitLauncher extends WebdriverLauncher {
  constructor() {
    super({ capabilities: WEBKIT_CAPABILITIES, logLevel: 'error' });
  }

  async initialize(config) {
    this.driverProcess = await startWebKitDriver();
    Object.assign(this.options, { hostname: this.driverProcess.hostname, port: this.driverProcess.port });
    await super.initialize(config);
    this.name = 'WebKit';
  }

  async stop() {
    await super.stop();
    await this.driverProcess?.stop();
  }
}

const LAUNCHERS = {
  chromium: () => chromeLauncher({ launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS } }),
  firefox: () => chromeLauncher({ puppeteer: puppeteerCore, launchOptions: FIREFOX_LAUNCH_OPTIONS }),
  webkit: () => new WebKitLauncher(),
};

function chosenBrowsers() {
  const names = (process.env.APPEAL_BROWSERS ?? Object.keys(LAUNCHERS).join(',')).split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(name in LAUNCHERS));
  if (unknown.length) throw new Error(`APPEAL_BROWSERS: unknown ${unknown.join(', ')}; choose from ${Object.keys(LAUNCHERS).join(', ')}`);
  return names.map((name) => LAUNCHERS[name]());
}

export default {
  files: ['test/unit/**/*.test.ts', 'test/widget/**/*.test.ts'],
  nodeResolve: { exportConditions: ['development'] },
  concurrency: 1,
  testFramework: { config: { timeout: 30000 } },
  testsFinishTimeout: 10 * 60 * 1000,
  middleware: [signatureEndpoint()],
  plugins: [
    jsonModules,
    esbuildPlugin({
      ts: true,
      tsconfig: 'tsconfig.json',
      define: { __APPEAL_LOCALES__: JSON.stringify(localeCodes()) },
    }),
  ],
  browsers: chosenBrowsers(),
};
