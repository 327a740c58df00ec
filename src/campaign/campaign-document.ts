import { matchLocale } from '../i18n/choose-language.js';

/** Texts of the campaign in one language (SPEC §5). */
export interface CampaignTexts {
  title?: string;
  appeal?: string;
  thanks?: string;
  shareText?: string;
}
/** The letter to the target in one language. */
export interface LetterText {
  /** The language the letter is written in. */
  lang: string;
  to: string;
  subject: string;
  body: string;
}
/** A campaign document that passed validation. */
export interface CampaignDocument {
  id?: string;
  goal?: number;
  texts: Record<string, CampaignTexts>;
  letter?: { to: string } & Record<string, { subject: string; body: string; to?: string } | string>;
}

/** Longest text accepted anywhere in a document, so a runaway file cannot flood the page. */
const MAX_TEXT = 20_000;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What is wrong at `path` if `value` is not an object of texts with at least the `required` keys. */
function textsProblem(value: unknown, path: string, required: string[] = []): string | undefined {
  if (!isRecord(value)) return `${path}: expected an object`;
  for (const key of new Set([...required, ...Object.keys(value)])) {
    const text = value[key];
    if (typeof text !== 'string' || text.length > MAX_TEXT) return `${path}.${key}: expected text of at most ${MAX_TEXT} characters`;
  }
  return undefined;
}

/**
 * The first problem of a parsed campaign document, as `path: problem`, or undefined when it fits
 * SPEC §5. Hand-written: a schema library cost 2.3 KB gzipped of the embed's 30 KB for these few rules.
 */
export function documentProblem(data: unknown): string | undefined {
  if (!isRecord(data) || !isRecord(data.texts)) return 'texts: expected an object of languages';
  const { goal, texts, letter } = data;
  if (goal !== undefined && !(Number.isSafeInteger(goal) && (goal as number) > 0)) return 'goal: expected a whole number above 0';
  const problems = Object.entries(texts).map(([language, entry]) =>
    // `fr_FR` or `French` would make Intl throw when the language menu names it.
    /^[a-z]{2,3}(-[a-z\d]{2,8})*$/i.test(language) ? textsProblem(entry, `texts.${language}`) : `texts.${language}: not a language tag`,
  );
  if (letter !== undefined) {
    const { to, ...versions } = isRecord(letter) ? letter : { to: 0 };
    // A language may name the target in its own words with its own `to`.
    problems.push(
      typeof to === 'string' ? undefined : 'letter.to: expected text naming the target',
      ...Object.entries(versions).map(([language, entry]) => textsProblem(entry, `letter.${language}`, ['subject', 'body'])),
    );
  }
  return problems.find(Boolean);
}

/** Why a campaign document could not be used: a message id and the detail for the site owner. */
export interface CampaignDocumentError {
  key: 'config.documentUnreachable' | 'config.documentNotJson' | 'config.documentShape';
  values: Record<string, string>;
}

/** Checks an already-parsed document; the error names the first wrong path. */
export function parseCampaignDocument(data: unknown): { document: CampaignDocument } | { error: CampaignDocumentError } {
  const problem = documentProblem(data);
  return problem
    ? { error: { key: 'config.documentShape', values: { problem } } }
    : { document: data as CampaignDocument };
}

/** Fetches and checks the document at `url`. */
export async function loadCampaignDocument(
  url: string,
): Promise<{ document: CampaignDocument } | { error: CampaignDocumentError }> {
  let key: CampaignDocumentError['key'] = 'config.documentUnreachable';
  try {
    const response = await fetch(url, { credentials: 'omit' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const text = await response.text();
    key = 'config.documentNotJson';
    return parseCampaignDocument(JSON.parse(text));
  } catch (error) {
    return { error: { key, values: { url, detail: (error as Error).message } } };
  }
}

/** The language of `byLanguage` that best suits `language`, then English, then the first. */
export function pickLanguage(byLanguage: Readonly<Record<string, unknown>>, language: string): string | undefined {
  const keys = Object.keys(byLanguage);
  return matchLocale(language, keys) ?? matchLocale('en', keys) ?? keys[0];
}

/** The letter in `language`, or undefined if the document has none. */
export function letterFor(document: CampaignDocument, language: string): LetterText | undefined {
  const letter = document.letter;
  if (!letter) return undefined;
  const { to, ...versions } = letter;
  const lang = pickLanguage(versions, language) ?? '';
  const version = versions[lang];
  return typeof version === 'object' ? { lang, to, ...version } : undefined;
}
