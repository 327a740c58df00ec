// `npm run i18n:check` fails on a broken copy of the locales, naming file, key and problem, and
// passes on the real ones. Each case spawns the script as CI does, on its own temporary copy.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findKeys } from 'i18next-cli';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = path.join(ROOT, 'scripts/i18n-check.mjs');
const LOCALES = path.join(ROOT, 'locales');
const CONSOLE_LOCALES = path.join(ROOT, 'console/locales');

type Strings = { [key: string]: string | Strings };

interface Run {
  code: number | null;
  output: string;
}

/** Runs the check on `folders` (the real locales/ and console/locales/ when none); stdout and stderr together. */
function runCheck(...folders: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, ...folders], { cwd: ROOT }, (error, stdout, stderr) => {
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

/**
 * Temporary copies of locales/ and of console/locales/ with `breakIt` applied, checked together,
 * then removed. The console copy also holds a German file made from English (every text marked
 * "DE "), unless `breakIt` takes it out.
 */
async function checkBrokenPair(breakIt: (widget: string, consoleFolder: string) => Promise<void>): Promise<Run> {
  const folder = await mkdtemp(path.join(tmpdir(), 'i18n-check-pair-'));
  const [widget, consoleFolder] = [path.join(folder, 'locales'), path.join(folder, 'console')];
  try {
    await cp(LOCALES, widget, { recursive: true });
    await cp(path.join(CONSOLE_LOCALES, 'en.json'), path.join(consoleFolder, 'en.json'));
    const mark = (strings: Strings): Strings =>
      Object.fromEntries(Object.entries(strings).map(([key, value]) => [key, typeof value === 'string' ? `DE ${value}` : mark(value)]));
    const english = JSON.parse(await readFile(path.join(consoleFolder, 'en.json'), 'utf8')) as Strings;
    await writeFile(path.join(consoleFolder, 'de.json'), JSON.stringify(mark(english), null, 2));
    await breakIt(widget, consoleFolder);
    return await runCheck(widget, consoleFolder);
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

  test('fails on English left behind, but not on a brand, a text without words or a word the language shares', async () => {
    const run = await checkBrokenCopy(async (folder) => {
      const english = JSON.parse(await readFile(path.join(folder, 'en.json'), 'utf8')) as Strings;
      await editLocale(folder, 'tr', (strings) => {
        group(strings, 'share')['ask'] = group(english, 'share')['ask']!;
        group(strings, 'counter')['signatures_other'] = group(english, 'counter')['signatures_other']!;
        group(strings, 'share')['telegram'] = 'Telegram';
      });
      await editLocale(folder, 'nl', (strings) => {
        assert.equal(group(strings, 'field')['postcode'], 'Postcode', 'Dutch writes Postcode as English does');
      });
    });
    assertProblem(run, 'tr.json', 'share.ask', /is still the English text "Each share brings/);
    assertProblem(run, 'tr.json', 'counter.signatures_other', /is still the English text "\{\{number\}\} signatures"/);
    assert.doesNotMatch(run.output, /"share\.telegram"/);
    assert.doesNotMatch(run.output, /nl\.json: "field\.postcode"/);
  });

  test('checks the console files by the same rules, and that the console and the widget speak the same languages', async () => {
    const run = await checkBrokenPair(async (_widget, consoleFolder) => {
      await editLocale(consoleFolder, 'de', (strings) => {
        delete group(strings, 'login')['tooMany_one'];
        group(strings, 'app')['signedInAs'] = 'DE Angemeldet als {{mail}}';
        group(strings, 'nav')['campaigns'] = 'Campaigns';
        group(strings, 'common')['cancel'] = '';
      });
      // A language the widget does not speak (yet).
      assert.ok(!existsSync(path.join(LOCALES, 'lt.json')), 'this test needs a language without a widget file');
      await writeFile(path.join(consoleFolder, 'lt.json'), JSON.stringify({ app: { name: 'Konsolė' } }));
    });
    assertProblem(run, 'de.json', 'login.tooMany', /needs the plural form "_one" \(German uses one, other\)/);
    assertProblem(run, 'de.json', 'app.signedInAs', /must contain \{\{email\}\} exactly as in English \(found \{\{mail\}\}\)/);
    assertProblem(run, 'de.json', 'nav.campaigns', /is still the English text "Campaigns"/);
    assertProblem(run, 'de.json', 'common.cancel', /is empty/);
    assertProblem(run, 'lt.json', 'nav.campaigns', /is missing/);
    // Every widget language but English and German lacks its console file; Lithuanian lacks its widget file.
    assert.match(run.output, /locales\/fr\.json: the console has no fr\.json beside it in .*console — translate .*console\/en\.json into French too/);
    assert.doesNotMatch(run.output, /locales\/de\.json: the console has no/);
    assert.match(run.output, /console\/lt\.json: the widget has no lt\.json beside it in .*locales — translate .*locales\/en\.json into Lithuanian too/);
    assert.match(run.output, /i18n check: \d+ locales, 3 console locales, \d+ problems/);
  });

  test('allows a console file more room than a widget file, but not without end', async () => {
    const run = await checkBrokenPair(async (_widget, consoleFolder) => {
      // About 3.7 KB more, gzipped: beyond a widget file's 3 KB, within the console's 10 KB; 9 KB more is not.
      await editLocale(consoleFolder, 'de', (strings) => {
        group(strings, 'erasure')['intro'] = `DE ${randomBytes(3700).toString('base64')}`;
      });
      await cp(path.join(consoleFolder, 'de.json'), path.join(consoleFolder, 'nl.json'));
      await editLocale(consoleFolder, 'nl', (strings) => {
        group(strings, 'erasure')['intro'] = `NL ${randomBytes(9000).toString('base64')}`;
      });
    });
    assert.doesNotMatch(run.output, /console\/de\.json: the file is too large/);
    assert.match(run.output, /console\/nl\.json: the file is too large — [\d,]+ bytes gzipped, and it must stay under 10,000 \(10 KB\)/);
  });

  test('passes on the real locale files', async () => {
    const run = await runCheck();
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /^i18n check: \d+ locales, \d+ console locales, 0 problems$/m);
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
