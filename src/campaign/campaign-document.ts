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
  to: string;
  subject: string;
  body: string;
}
/** A campaign document that passed validation. */
export interface CampaignDocument {
  id?: string;
  goal?: number;
  texts: Record<string, CampaignTexts>;
  letter?: { to: string } & Record<string, { subject: string; body: string } | string>;
}

/** Longest accepted length of each text, so a runaway document cannot flood the page. */
const TEXT_LIMITS: Readonly<Record<string, number>> = {
  title: 300,
  appeal: 20_000,
  thanks: 2_000,
  shareText: 500,
  subject: 300,
  body: 10_000,
  to: 300,
  id: 64,
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A description of what is wrong at `path`, or undefined when `value` is an acceptable text. */
function checkText(value: unknown, path: string, key: string, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string') return `${path}: expected text, got ${value === null ? 'null' : typeof value}`;
  const limit = TEXT_LIMITS[key] ?? 1000;
  return value.length > limit ? `${path}: longer than ${limit} characters` : undefined;
}

/**
 * The first problem of a parsed campaign document, as `path: problem`, or undefined when it fits
 * SPEC §5. Hand-written: a schema library cost 2.3 KB gzipped of a 30 KB budget for these few rules.
 */
export function documentProblem(data: unknown): string | undefined {
  if (!isRecord(data)) return '(document): expected an object';
  const { id, goal, texts, letter } = data;
  const problems: (string | undefined)[] = [checkText(id, 'id', 'id', false)];
  if (goal !== undefined && !(Number.isSafeInteger(goal) && (goal as number) > 0)) {
    problems.push('goal: expected a whole number above zero');
  }
  if (!isRecord(texts)) problems.push('texts: expected an object of languages');
  else
    for (const [language, entry] of Object.entries(texts)) {
      if (!isRecord(entry)) problems.push(`texts.${language}: expected an object`);
      else for (const key of ['title', 'appeal', 'thanks', 'shareText']) {
        problems.push(checkText(entry[key], `texts.${language}.${key}`, key, false));
      }
    }
  if (letter !== undefined) {
    if (!isRecord(letter)) problems.push('letter: expected an object');
    else
      for (const [key, entry] of Object.entries(letter)) {
        if (key === 'to') problems.push(checkText(entry, 'letter.to', 'to', true));
        else if (!isRecord(entry)) problems.push(`letter.${key}: expected an object with subject and body`);
        else for (const part of ['subject', 'body']) {
          problems.push(checkText(entry[part], `letter.${key}.${part}`, part, true));
        }
      }
    if (isRecord(letter) && letter['to'] === undefined) problems.push('letter.to: expected text naming the target');
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
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'omit' });
  } catch (error) {
    return { error: { key: 'config.documentUnreachable', values: { url, detail: String(error) } } };
  }
  if (!response.ok) {
    return { error: { key: 'config.documentUnreachable', values: { url, detail: `HTTP ${response.status}` } } };
  }
  let data: unknown;
  try {
    data = JSON.parse(await response.text());
  } catch (error) {
    return { error: { key: 'config.documentNotJson', values: { url, detail: (error as Error).message } } };
  }
  return parseCampaignDocument(data);
}

/** The document's languages: the keys of `texts`. */
export function documentLanguages(document: CampaignDocument): string[] {
  return Object.keys(document.texts);
}

/** Picks the entry of `byLanguage` that best suits `language`, then English, then the first. */
export function pickLanguage<T>(byLanguage: Readonly<Record<string, T>>, language: string): T | undefined {
  const keys = Object.keys(byLanguage);
  const key = matchLocale(language, keys) ?? matchLocale('en', keys) ?? keys[0];
  return key === undefined ? undefined : byLanguage[key];
}

/** The letter in `language`, or undefined if the document has none. */
export function letterFor(document: CampaignDocument, language: string): LetterText | undefined {
  const letter = document.letter;
  if (!letter) return undefined;
  const versions: Record<string, { subject: string; body: string }> = {};
  for (const [key, value] of Object.entries(letter)) {
    if (key !== 'to' && typeof value === 'object') versions[key] = value;
  }
  const version = pickLanguage(versions, language);
  return version ? { to: String(letter['to']), ...version } : undefined;
}
