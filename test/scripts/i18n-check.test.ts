// `npm run i18n:check` fails on a broken copy of the locales, naming file, key and problem, and
// passes on the real ones. Each case spawns the script as CI does, on its own temporary copy.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findKeys } from 'i18next-cli';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = path.join(ROOT, 'scripts/i18n-check.mjs');
const LOCALES = path.join(ROOT, 'locales');

type Strings = { [key: string]: string | Strings };

interface Run {
  code: number | null;
  output: string;
}

/** Runs the check on `folder` (the real locales/ when omitted); stdout and stderr together. */
function runCheck(folder?: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, ...(folder ? [folder] : [])], { cwd: ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, output: `${stdout}${stderr}` });
    });
  });
}

/** A temporary copy of locales/ with `breakIt` applied, checked, then removed. */
async function checkBrokenCopy(breakIt: (folder: string) => Promise<void>): Promise<Run> {
  const folder = await mkdtemp(path.join(tmpdir(), 'i18n-check-'));
  try {
    await cp(LOCALES, folder, { recursive: true });
    await breakIt(folder);
    return await runCheck(folder);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** Edits one locale file of `folder` as an object. */
async function editLocale(folder: string, code: string, edit: (strings: Strings) => void): Promise<void> {
  const file = path.join(folder, `${code}.json`);
  const strings = JSON.parse(await readFile(file, 'utf8')) as Strings;
  edit(strings);
  await writeFile(file, JSON.stringify(strings, null, 2));
}

/** The nested group `name` of `strings`, failing clearly if a translator restructured the file. */
function group(strings: Strings, name: string): Strings {
  const value = strings[name];
  assert.ok(value && typeof value === 'object', `expected a "${name}" group in the locale file`);
  return value;
}

/** Asserts a failed run with a line naming the file, the key and the problem. */
function assertProblem(run: Run, file: string, key: string, problem: RegExp): void {
  assert.equal(run.code, 1, run.output);
  const line = run.output.split('\n').find((candidate) => candidate.includes(`${file}:`) && candidate.includes(`"${key}"`));
  assert.ok(line, `no line names ${file} and "${key}" in:\n${run.output}`);
  assert.match(line, problem);
}

describe('npm run i18n:check', { concurrency: true }, () => {
  test('fails when a locale misses a key', async () => {
    const run = await checkBrokenCopy((folder) => editLocale(folder, 'fr', (strings) => delete group(strings, 'form')['submit']));
    assertProblem(run, 'fr.json', 'form.submit', /is missing — copy it from en\.json and translate it\./);
  });

  test('fails when a locale has a key English does not', async () => {
    const run = await checkBrokenCopy((folder) =>
      editLocale(folder, 'nl', (strings) => {
        group(strings, 'thanks')['subtitle'] = 'Bedankt voor je steun';
      }),
    );
    assertProblem(run, 'nl.json', 'thanks.subtitle', /is not in en\.json/);
  });

  test('fails when a placeholder differs from English', async () => {
    const run = await checkBrokenCopy((folder) =>
      editLocale(folder, 'de', (strings) => {
        const notice = group(strings, 'notice');
        assert.match(String(notice['rejected']), /\{\{status\}\}/);
        notice['rejected'] = String(notice['rejected']).replace('{{status}}', '{{Status}}');
      }),
    );
    assertProblem(run, 'de.json', 'notice.rejected', /must contain \{\{status\}\} exactly as in English \(found \{\{Status\}\}\)/);
  });

  test('fails on a text that points at another with $t(), which the widget does not follow', async () => {
    const run = await checkBrokenCopy((folder) =>
      editLocale(folder, 'es', (strings) => {
        group(strings, 'share')['ask'] = '$t(share.title)';
      }),
    );
    assertProblem(run, 'es.json', 'share.ask', /contains "\$t\(", which points at another text/);
  });

  test('fails when a plural form the language needs is missing', async () => {
    const run = await checkBrokenCopy((folder) =>
      editLocale(folder, 'ru', (strings) => {
        const counter = group(strings, 'counter');
        assert.ok('signatures_few' in counter, 'ru.json should have counter.signatures_few');
        delete counter['signatures_few'];
      }),
    );
    assertProblem(run, 'ru.json', 'counter.signatures', /needs the plural form "_few" \(Russian uses one, few, many, other\)/);
  });

  test('fails on an unneeded plural form, a number spelled out where it varies, invalid JSON and an oversized file', async () => {
    const run = await checkBrokenCopy(async (folder) => {
      await editLocale(folder, 'de', (strings) => {
        group(strings, 'counter')['signatures_few'] = '{{number}} Unterschriften';
      });
      await editLocale(folder, 'ru', (strings) => {
        group(strings, 'counter')['signatures_one'] = 'одна подпись'; // wrong for 21, 31…
      });
      await editLocale(folder, 'it', (strings) => {
        group(strings, 'share')['ask'] = randomBytes(3000).toString('base64');
      });
      const spanish = await readFile(path.join(folder, 'es.json'), 'utf8');
      await writeFile(path.join(folder, 'es.json'), spanish.replace(/",\n/, '"\n'));
    });
    assertProblem(run, 'de.json', 'counter.signatures_few', /is not needed — German uses one, other/);
    assertProblem(run, 'ru.json', 'counter.signatures_one', /must contain \{\{number\}\} — Russian uses this form for 1, 21, 31/);
    assert.match(run.output, /it\.json: the file is too large — [\d,]+ bytes gzipped, and it must stay under 3,000/);
    assert.match(run.output, /es\.json: this file is not valid JSON \(line \d+, column \d+\)/);
  });

  test('passes on the real locale files', async () => {
    const run = await runCheck();
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /^i18n check: \d+ locales, 0 problems$/m);
  });
});

describe('key extraction (i18next.config.ts)', () => {
  test('finds message ids kept as data and in maps of them, and refuses a key built from a variable', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'i18n-extract-'));
    try {
      await writeFile(
        path.join(folder, 'sample.ts'),
        [
          "const error = { key: 'validation.email' };",
          "const LABELS = { linkedin: 'share.linkedin', copy: 'share.copy' } as const;",
          "const mixed = { file: 'en.json', key: 'x' };",
          "t(`share.${channel}`);",
          "host._t('mystery.' + kind);",
        ].join('\n'),
      );
      const { default: config, keySources } = await import('../../i18next.config.ts');
      const input = [`${folder.split(path.sep).join('/')}/*.ts`];
      const logger = { info() {}, warn() {}, error() {} };
      await assert.rejects(findKeys({ ...config, extract: { ...config.extract, input } }, logger), (error: Error & { problems?: string[] }) => {
        assert.match(error.message, /builds a key from a variable, `share\.\$\{…\}`/);
        assert.match(error.message, /builds a key from a variable, `… \+ …`/);
        assert.equal(error.problems?.length, 2);
        return true;
      });
      assert.ok(keySources.has('validation.email'));
      assert.ok(keySources.has('share.linkedin'));
      assert.ok(keySources.has('share.copy'));
      assert.ok(!keySources.has('en.json'), 'an object that is not a map of message ids adds nothing');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
