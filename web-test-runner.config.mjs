// Browser tests: the sources, run in Debian's Chromium, with a real local endpoint to post to.
import { readFile } from 'node:fs/promises';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium.mjs';
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
  browsers: [
    chromeLauncher({
      launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    }),
  ],
};
