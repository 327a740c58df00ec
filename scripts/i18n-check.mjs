#!/usr/bin/env node
/**
 * `npm run i18n:check`: are the locale files complete, correct and small? (SPEC §6)
 *
 *   node scripts/i18n-check.mjs                       the widget's locales/ and the console's console/locales/
 *   node scripts/i18n-check.mjs folder                only folder/*.json, as the widget's locales
 *   node scripts/i18n-check.mjs folder consoleFolder  both, as the default does
 *
 * - Every key `src/` uses is in the widget's en.json, and en.json has no key nothing uses. The keys
 *   come from i18next-cli's extractor, configured in i18next.config.ts; `src/` is always the real one.
 *   (The console builds some keys from its routes, so its en.json is the reference as it stands.)
 * - The widget and the console speak the same languages: a language with a file in one folder has
 *   one in the other too.
 * - Every locale has exactly en.json's keys. A plural key has exactly the forms (`_one`, `_few`…)
 *   that `Intl.PluralRules` gives the language; `_zero` is always allowed, as i18next uses it for 0.
 * - Every text has the same {{placeholders}} as English (a plural form: as English's `_other`). A
 *   form the language uses for one number only (Arabic `_two`) may spell the number as a word.
 * - No empty text, and no `$t(…)` pointing at another text: the widget's build leaves out
 *   i18next's nesting, which nothing needs (vite.config.ts). The file is valid JSON of nested
 *   texts, under 3 KB gzipped (the console's, loaded once by an organiser, under 10 KB).
 * - No English left behind: a text identical to English's is reported, unless it is a brand name,
 *   has no words at all ("—", "{{goal}}"), or is on the short list of words a language really
 *   shares with English (SAME_AS_ENGLISH below).
 *
 * Prints one line per problem, in words a translator understands, and exits 1 if there is any.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCE_LANGUAGE = 'en';
/** Gzipped bytes (level 9), "3 KB" as size-limit counts the embed's own budget. */
const GZIP_LIMIT = 3000;
/** The console's files: twice the widget's texts, loaded once per session, not with every page. */
const CONSOLE_GZIP_LIMIT = 10_000;
/** Names that stay as they are in every language. */
const BRAND_NAMES = new Set(['WhatsApp', 'Facebook', 'X', 'Bluesky', 'Telegram', 'Mastodon', 'LinkedIn', 'Reddit', 'OK']);
/**
 * Texts a language writes exactly as English does, so they are not "English left behind". Keep each
 * list short and real: a word the language uses, not a text nobody translated yet.
 */
const SAME_AS_ENGLISH = {
  de: ['(optional)', 'Status'],
  es: ['No'],
  fr: ['Message', 'Signatures', '{{number}} signature', '{{number}} signatures'],
  id: ['Status'],
  it: ['No', 'Password'],
  nb: ['Status'],
  nl: ['Postcode', 'Status'],
  sv: ['Status'],
};
/** A text with no letters of any script once its placeholders are out: "—", "{{goal}}". */
const HAS_WORDS = /\p{L}/u;
/** i18next's plural suffixes, in CLDR order. */
const PLURAL_CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'];
const PLURAL_KEY = new RegExp(`^(.+)_(${PLURAL_CATEGORIES.join('|')})$`);
/** Placeholders that carry a plural's number: a form for one number only may write it as a word. */
const NUMBER_PLACEHOLDERS = new Set(['count', 'number']);
/** The file names the build serves (same pattern as scripts/locales.mjs). */
const LOCALE_FILE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*\.json$/;
/** i18next's default interpolation, `{{name}}`; like i18next, spaces inside are ignored. */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
/** Anything in braces, to spot a placeholder typed wrongly: `{count}`, `{{ Count }`. */
const BRACED = /\{+[^{}]*\}+/g;

const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });
const startDirectory = process.cwd();

/** How a file is named in messages: relative to where the check was started, if it is below it. */
function shown(file) {
  const relative = path.relative(startDirectory, file);
  return (relative.startsWith('..') || path.isAbsolute(relative) ? file : relative).split(path.sep).join('/');
}

const quote = (key) => `"${key}"`;
const list = (items) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);
const braces = (name) => `{{${name}}}`;

// ---- plural rules ---------------------------------------------------------------------------

/** Numbers a count can take, to learn which numbers each plural form serves. */
const SAMPLE_NUMBERS = [...Array.from({ length: 1201 }, (_, n) => n), ...Array.from({ length: 1000 }, (_, k) => (k + 2) * 1000), 1_000_000, 2_000_000];

const pluralCache = new Map();

/** The plural forms `code` uses, and which numbers fall in each, by this Node's CLDR data. */
function pluralRules(code) {
  if (!pluralCache.has(code)) {
    const rules = new Intl.PluralRules(code);
    const used = new Set(rules.resolvedOptions().pluralCategories);
    const numbers = new Map(PLURAL_CATEGORIES.map((category) => [category, []]));
    for (const n of SAMPLE_NUMBERS) numbers.get(rules.select(n)).push(n);
    pluralCache.set(code, {
      categories: PLURAL_CATEGORIES.filter((category) => used.has(category)),
      numbers,
    });
  }
  return pluralCache.get(code);
}

/** "Russian", "Brazilian Portuguese"; the code itself when Intl does not know it. */
function languageName(code) {
  try {
    return languageNames.of(code) ?? code;
  } catch {
    return code;
  }
}

// ---- reading a locale file ------------------------------------------------------------------

/** Line and column of a character offset, for JSON error messages. */
function lineAndColumn(text, offset) {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before.at(-1).length + 1}`;
}

function describeValue(value) {
  if (value === null) return 'empty (null)';
  if (Array.isArray(value)) return 'a list in [ ]';
  if (typeof value === 'number') return `the number ${value}`;
  return `${typeof value === 'boolean' ? 'the word' : 'a'} ${JSON.stringify(value)}`;
}

/** Nested texts as `section.key` → text; a value that is not text is kept as null and reported. */
function flatten(object, prefix, strings, report) {
  for (const [name, value] of Object.entries(object)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (typeof value === 'string') strings.set(key, value);
    else if (value && typeof value === 'object' && !Array.isArray(value)) flatten(value, key, strings, report);
    else {
      strings.set(key, null);
      report(`${quote(key)} should be a text in "double quotes", but it is ${describeValue(value)}.`);
    }
  }
}

/** Reads and parses one locale file; `strings` is undefined when it cannot be read as texts. */
function readLocale(file, gzipLimit = GZIP_LIMIT) {
  const code = path.basename(file, '.json');
  const name = shown(file);
  const problems = [];
  const report = (message) => problems.push(`${name}: ${message}`);
  const bytes = readFileSync(file);
  const knownLanguage = Intl.PluralRules.supportedLocalesOf(code).length > 0;
  const locale = { code, file, name, problems, report, knownLanguage, strings: undefined };

  const gzipped = gzipSync(bytes, { level: 9 }).length;
  if (gzipped >= gzipLimit) {
    report(
      `the file is too large — ${gzipped.toLocaleString('en')} bytes gzipped, and it must stay under ${gzipLimit.toLocaleString('en')} (${gzipLimit / 1000} KB). Please shorten the longest texts.`,
    );
  }
  if (!knownLanguage) {
    report(`"${code}" is not a language code this computer knows, so its plural forms cannot be checked — name the file with a BCP 47 code such as de.json or pt-BR.json (see TRANSLATING.md).`);
  }

  // A byte-order mark (some Windows editors add one) is harmless: browsers drop it when fetching.
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  let data;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const at = /at position (\d+)/.exec(error.message);
    const where = at ? ` (${lineAndColumn(text, Number(at[1]))})` : '';
    const what = error.message.replace(/\s*(in JSON )?at position \d+.*$/, '').replace(/ in JSON$/, '');
    report(`this file is not valid JSON${where}: ${what} — look for a missing or extra comma, quotation mark or brace just before that spot.`);
    return locale;
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    report('this file must contain one { … } object of texts, like en.json.');
    return locale;
  }
  locale.strings = new Map();
  flatten(data, '', locale.strings, report);
  return locale;
}

/** Plural keys of a file: base key → the forms it has, e.g. `counter.signatures` → {one, other}. */
function pluralBases(strings) {
  const bases = new Map();
  for (const key of strings.keys()) {
    const match = PLURAL_KEY.exec(key);
    if (match) bases.set(match[1], new Set([...(bases.get(match[1]) ?? []), match[2]]));
  }
  return bases;
}

// ---- placeholders ---------------------------------------------------------------------------

const placeholderNames = (text) => new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1]));

/**
 * What is wrong with the {{placeholders}} of `text` compared with `english`.
 * `numbers`: for a plural form, the numbers it serves; when that is a single number, the form
 * may spell it as a word ("one signature") and leave out {{count}} or {{number}}.
 */
function placeholderProblems(key, text, english, { numbers, language = '' } = {}) {
  const mayOmitNumber = numbers?.length === 1;
  const expected = placeholderNames(english);
  const found = placeholderNames(text);
  const problems = [];
  const missing = [...expected].filter((name) => !found.has(name) && !(mayOmitNumber && NUMBER_PLACEHOLDERS.has(name)));
  const extra = [...found].filter((name) => !expected.has(name)).map(braces);
  const broken = [...text.matchAll(BRACED)].map((match) => match[0]).filter((token) => !/^\{\{[^{}]*\}\}$/.test(token));
  const suspects = [...extra, ...broken];
  const squash = (token) => token.replace(/[{}\s]/g, '').toLowerCase();

  for (const name of missing) {
    // A placeholder typed differently ({{Status}}, {status}, {{Anzahl}}) is most likely this one.
    const lookalike =
      suspects.find((token) => squash(token) === name.toLowerCase()) ?? (missing.length === 1 && suspects.length === 1 ? suspects[0] : undefined);
    if (lookalike) {
      suspects.splice(suspects.indexOf(lookalike), 1);
      problems.push(`${quote(key)} must contain ${braces(name)} exactly as in English (found ${lookalike}).`);
    } else if (NUMBER_PLACEHOLDERS.has(name) && numbers) {
      const examples = numbers.slice(0, 4).map((n) => n.toLocaleString('en')).join(', ');
      problems.push(
        `${quote(key)} must contain ${braces(name)} — ${language} uses this form for ${examples}${numbers.length > 4 ? '…' : ''}, so the number cannot be written as a word.`,
      );
    } else {
      problems.push(`${quote(key)} must contain ${braces(name)} as in English — copy it unchanged; the widget puts the real value there.`);
    }
  }
  for (const token of suspects) {
    problems.push(
      token.startsWith('{{') && token.endsWith('}}')
        ? `${quote(key)} contains ${token}, which English does not have — the widget cannot fill it in; use only ${list([...expected].map(braces)) || 'no placeholders'}, as in English.`
        : `${quote(key)} contains ${token}, which looks like a broken placeholder — write it with two braces on each side, exactly as in English.`,
    );
  }
  return problems;
}

// ---- comparing a locale with English ---------------------------------------------------------

/** Whether `text`, identical to English, is right as it is in `code`: a brand, no words, or a shared word. */
function sharedWithEnglish(code, text) {
  if (BRAND_NAMES.has(text) || !HAS_WORDS.test(text.replace(PLACEHOLDER, ''))) return true;
  const language = code.split('-')[0].toLowerCase();
  return [code, language].some((tag) => SAME_AS_ENGLISH[tag]?.includes(text));
}

/** A key of `candidates` that `key` was probably meant to be (same key in other case, a typo, a lone pair). */
function probableKey(key, candidates, extras) {
  const lower = key.toLowerCase();
  const parent = (id) => id.slice(0, id.lastIndexOf('.') + 1);
  return (
    candidates.find((candidate) => candidate.toLowerCase() === lower) ??
    candidates.find((candidate) => editDistance(candidate, key) <= 2) ??
    (() => {
      const sameParent = candidates.filter((candidate) => parent(candidate) === parent(key));
      const extrasHere = extras.filter((extra) => parent(extra) === parent(key));
      return sameParent.length === 1 && extrasHere.length === 1 ? sameParent[0] : undefined;
    })()
  );
}

function editDistance(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length];
}

/** Compares `locale` with `english` (en.json; also run on en.json itself for its own plural forms). */
function compareWithEnglish(locale, english) {
  const { strings, report, code } = locale;
  const language = languageName(code);
  const rules = pluralRules(code);
  const uses = `${language} uses ${rules.categories.length === 1 ? 'only ' : ''}${rules.categories.join(', ')}`;
  const englishPlurals = pluralBases(english.strings);
  const checked = new Set();
  const missing = [];

  const checkText = (key, text, englishText, options) => {
    checked.add(key);
    if (text === null) return; // already reported as not being text
    if (!text.trim()) report(`${quote(key)} is empty — write the translation between the quotes.`);
    else if (text.includes('$t(')) report(`${quote(key)} contains "$t(", which points at another text: the widget shows it as it is — write the words out instead.`);
    else placeholderProblems(key, text, englishText ?? '', { ...options, language }).forEach(report);
    const sameText = english.strings.get(key);
    if (code !== SOURCE_LANGUAGE && text && text === sameText && !sharedWithEnglish(code, text)) {
      report(
        `${quote(key)} is still the English text ${JSON.stringify(text)} — translate it. (If ${language} really writes it exactly so, ask us to add it to SAME_AS_ENGLISH in scripts/i18n-check.mjs.)`,
      );
    }
  };

  for (const [key, englishText] of english.strings) {
    const plural = PLURAL_KEY.exec(key);
    if (plural && englishPlurals.has(plural[1])) continue; // plural forms are checked per base below
    if (strings.has(key)) checkText(key, strings.get(key), englishText);
    else missing.push(key);
  }

  for (const base of englishPlurals.keys()) {
    const englishOther = english.strings.get(`${base}_other`) ?? english.strings.get(`${base}_${[...englishPlurals.get(base)][0]}`);
    const forms = PLURAL_CATEGORIES.filter((category) => strings.has(`${base}_${category}`));
    const needed = rules.categories.map((category) => `${base}_${category}`);
    if (!forms.length) {
      if (strings.has(base)) {
        checked.add(base);
        report(`${quote(base)} needs plural forms, not one text — write ${list(needed.map(quote))} instead (${uses}).`);
      } else {
        report(`${quote(base)} is missing — add ${list(needed.map(quote))}, starting from the English forms in en.json (${uses}).`);
      }
      continue;
    }
    // Without known plural rules, only the texts themselves can be checked.
    if (!locale.knownLanguage) {
      forms.forEach((category) => checkText(`${base}_${category}`, strings.get(`${base}_${category}`), englishOther));
      continue;
    }
    for (const category of rules.categories) {
      if (!forms.includes(category)) report(`${quote(base)} needs the plural form "_${category}" (${uses}).`);
    }
    for (const category of forms) {
      const key = `${base}_${category}`;
      if (!rules.categories.includes(category) && category !== 'zero') {
        checked.add(key);
        report(`${quote(key)} is not needed — ${uses}, so this text would never be shown. You can delete it.`);
        continue;
      }
      // `_zero` outside the language's own forms is i18next's form for exactly 0.
      const numbers = rules.categories.includes(category) ? rules.numbers.get(category) : [0];
      checkText(key, strings.get(key), englishOther, { numbers });
    }
  }

  const extras = [...strings.keys()].filter((key) => !checked.has(key));
  for (const key of missing) report(`${quote(key)} is missing — copy it from en.json and translate it.`);
  for (const key of extras) {
    const meant = probableKey(key, missing, extras);
    report(
      `${quote(key)} is not in en.json — delete it, or correct its spelling${meant ? ` if it should be ${quote(meant)}` : ''}: keys stay exactly as in English, only the texts are translated.`,
    );
  }
}

// ---- keys used in src/ ----------------------------------------------------------------------

/** Every key `src/` uses, with the file that uses it, found by i18next-cli (see i18next.config.ts). */
async function keysUsedInSource() {
  let tsImport, findKeys;
  try {
    ({ tsImport } = await import('tsx/esm/api'));
    ({ findKeys } = await import('i18next-cli'));
  } catch (error) {
    throw new Error(`cannot load tsx or i18next-cli: ${explain(error)}`);
  }
  const warnings = [];
  const logger = { info() {}, warn: (message) => warnings.push(String(message)), error: (message) => warnings.push(String(message)) };
  // i18next-cli globs `src/**` from the working directory.
  process.chdir(ROOT);
  try {
    const { default: config, keySources } = await tsImport('../i18next.config.ts', import.meta.url);
    const { allKeys } = await findKeys(config, logger);
    const used = new Map();
    for (const { key, hasCount } of allKeys.values()) {
      // A call with `count` gives `key_one`, `key_other`…; the base key is what en.json must have.
      // (i18next-cli 1.5 misses a shorthand `{ count }`, i18next/i18next-cli#68, so bases come plain too.)
      const base = (hasCount && PLURAL_KEY.exec(key)?.[1]) || key;
      if (!used.has(base)) used.set(base, keySources.get(key) ?? findInSource(key));
    }
    return { used, problems: warnings.map((warning) => `src/: i18next-cli: ${warning}`) };
  } catch (error) {
    if (Array.isArray(error.problems)) return { used: undefined, problems: error.problems };
    throw new Error(`i18next-cli could not extract the keys from src/: ${explain(error)}`);
  } finally {
    process.chdir(startDirectory);
  }
}

/** An error's message and cause, with the likely fix when the parser's native binary is missing. */
function explain(error) {
  const text = `${error.message}${error.cause ? ` (${error.cause.message ?? error.cause})` : ''}`;
  return /native binding|@swc/i.test(text)
    ? `${text}. i18next-cli parses with @swc/core, which needs its prebuilt binary for this platform ` +
        `(the optional package @swc/core-${process.platform}-${process.arch}…): check \`npm ls @swc/core\`, then npm ci.`
    : `${text}. Run npm ci if the dependencies are missing.`;
}

let sourceFiles;
/** The first file of src/ that spells out `key`, to say where a key comes from. */
function findInSource(key) {
  sourceFiles ??= readdirSync(path.join(ROOT, 'src'), { recursive: true })
    .filter((file) => file.endsWith('.ts'))
    .sort()
    .map((file) => ({ file: `src/${file.split(path.sep).join('/')}`, text: readFileSync(path.join(ROOT, 'src', file), 'utf8') }));
  return sourceFiles.find(({ text }) => text.includes(`'${key}'`) || text.includes(`"${key}"`))?.file ?? 'src/';
}

/** en.json against the keys of src/: nothing used may be missing, nothing unused may linger. */
function compareWithSource(english, used) {
  const plurals = pluralBases(english.strings);
  const has = (key) => english.strings.has(key) || plurals.has(key);
  for (const [key, file] of used) {
    if (has(key)) continue;
    const group = [...english.strings.keys()].some((id) => id.startsWith(`${key}.`));
    english.report(
      group
        ? `${quote(key)} is used as one text in ${file}, but here it is a group of texts — make it one text.`
        : `${quote(key)} is used in ${file} but missing — add it here in English, then to every other locale.`,
    );
  }
  const reported = new Set();
  for (const key of english.strings.keys()) {
    const base = PLURAL_KEY.exec(key)?.[1];
    const id = base && plurals.has(base) ? base : key;
    if (used.has(id) || used.has(key) || reported.has(id)) continue;
    reported.add(id);
    english.report(
      `${quote(id)} is not used anywhere in src/ — delete it from every locale or, if src/ keeps it as data, write it where the check can see it (see i18next.config.ts).`,
    );
  }
}

// ---- main -----------------------------------------------------------------------------------

/** The locales of one folder, checked against its en.json; undefined (and a message) if there is none. */
async function checkFolder(folder, { gzipLimit, source }, problems) {
  let files;
  try {
    files = readdirSync(folder).filter((file) => file.endsWith('.json')).sort();
  } catch (error) {
    console.error(`i18n check: cannot read the folder ${shown(folder)} (${error.code ?? error.message}).`);
    return undefined;
  }
  for (const file of files.filter((name) => !LOCALE_FILE.test(name))) {
    problems.push(
      `${shown(path.join(folder, file))}: the file name is not a language code, so the widget ignores it — rename it to a BCP 47 code such as ${file.replace(/_/g, '-').replace(/^([a-z]+)-([a-z]+)\.json$/i, (_, a, b) => `${a.toLowerCase()}-${b.toUpperCase()}.json`)}.`,
    );
  }
  const locales = files.filter((name) => LOCALE_FILE.test(name)).map((name) => readLocale(path.join(folder, name), gzipLimit));
  const english = locales.find((locale) => locale.code === SOURCE_LANGUAGE);
  if (!english) {
    console.error(`i18n check: there is no ${SOURCE_LANGUAGE}.json in ${shown(folder)}; every locale is checked against it.`);
    return undefined;
  }

  if (source) {
    const found = await keysUsedInSource();
    problems.push(...found.problems);
    if (english.strings && found.used) compareWithSource(english, found.used);
  }
  // English first, so a problem in the source shows before its echoes in the translations.
  const ordered = [english, ...locales.filter((other) => other !== english)];
  if (english.strings) {
    for (const locale of ordered) if (locale.strings) compareWithEnglish(locale, english);
  } else {
    english.report('the other locales cannot be compared with English until this file is fixed.');
  }
  for (const locale of ordered) problems.push(...locale.problems);
  return locales.map((locale) => locale.code);
}

/** Each language of one folder that the other lacks, as a line for the translator. */
function compareLanguages(widget, widgetFolder, consoleCodes, consoleFolder) {
  const problems = [];
  const lacking = (codes, others, folder, otherFolder, what) => {
    for (const code of codes.filter((one) => !others.includes(one))) {
      problems.push(
        `${shown(path.join(folder, `${code}.json`))}: ${what} has no ${code}.json beside it in ${shown(otherFolder)} — translate ${shown(path.join(otherFolder, 'en.json'))} into ${languageName(code)} too, so the widget and the console speak the same languages.`,
      );
    }
  };
  lacking(widget, consoleCodes, widgetFolder, consoleFolder, 'the console');
  lacking(consoleCodes, widget, consoleFolder, widgetFolder, 'the widget');
  return problems;
}

async function main() {
  const [widgetArgument, consoleArgument] = process.argv.slice(2);
  const widgetFolder = path.resolve(widgetArgument ?? path.join(ROOT, 'locales'));
  // Given one folder, the check looks at that folder only (a translator's copy, the tests' copies).
  const consoleFolder = consoleArgument || !widgetArgument ? path.resolve(consoleArgument ?? path.join(ROOT, 'console/locales')) : undefined;
  const problems = [];

  const widget = await checkFolder(widgetFolder, { gzipLimit: GZIP_LIMIT, source: true }, problems);
  if (!widget) return 1;
  let summary = `i18n check: ${widget.length} locales`;
  if (consoleFolder) {
    const consoleCodes = await checkFolder(consoleFolder, { gzipLimit: CONSOLE_GZIP_LIMIT, source: false }, problems);
    if (!consoleCodes) return 1;
    problems.push(...compareLanguages(widget, widgetFolder, consoleCodes, consoleFolder));
    summary += `, ${consoleCodes.length} console locales`;
  }

  summary += `, ${problems.length} problem${problems.length === 1 ? '' : 's'}`;
  if (!problems.length) {
    console.log(summary);
    return 0;
  }
  for (const problem of problems) console.error(problem);
  console.error(`${summary}. TRANSLATING.md explains the rules.`);
  return 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`i18n check: ${error.message}`);
    process.exitCode = 1;
  },
);
