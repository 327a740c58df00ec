/** The campaign document (SPEC §5): its types, how it is fetched and checked, and its texts in one language. */
import { documentProblem } from '../contract/campaign-document.js';
import { matchLocale } from './choose-language.js';
import { readJson } from './read-json.js';

/** Texts of the campaign in one language (SPEC §5). */
export interface CampaignTexts {
  title?: string;
  appeal?: string;
  thanks?: string;
  shareText?: string;
  /** What the notice says once the campaign is closed, in place of the widget's own words. */
  closed?: string;
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
  letter?: { to: string; mailto?: string[] } & Record<string, { subject: string; body: string; to?: string } | string | string[]>;
  /** The form asks, unticked, whether the target may reply to the signer's address (SPEC §9.1). */
  replyTo?: boolean;
  /** Set by a receiver that holds the campaign (SPEC §8): `closed` shows a notice instead of the form. */
  status?: string;
  /** Set by a receiver that holds the campaign: the signatures so far, the counter's first value. */
  count?: number;
}

/** Why a campaign document could not be used: a message id and the detail for the site owner. */
export interface CampaignDocumentError {
  key: 'config.documentUnreachable' | 'config.documentNotJson' | 'config.documentShape';
  values: Record<string, string>;
  /** Set when nothing answered at all (the network, CORS, the timeout): not a document to fix, a document to do without. */
  unanswered?: 'network' | 'timeout';
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
  try {
    return parseCampaignDocument(await readJson(url));
  } catch (error) {
    const { name, message } = error as Error;
    return {
      error: {
        key: name === 'SyntaxError' ? 'config.documentNotJson' : 'config.documentUnreachable',
        values: { url, detail: message },
        unanswered: name === 'TimeoutError' ? 'timeout' : name === 'TypeError' ? 'network' : undefined,
      },
    };
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
  // `mailto` holds the addresses of the signer's own mail program (SPEC §9.4), not a language.
  const { to, mailto, ...versions } = letter;
  const lang = pickLanguage(versions, language) ?? '';
  const version = versions[lang];
  return typeof version === 'object' && !Array.isArray(version) ? { lang, to, ...version } : undefined;
}
