/**
 * The campaign as the edit page holds it while the organiser types (a copy of what the receiver
 * answered), read and written by field path, the same paths a 422 names (`document.texts.en.title`,
 * `delivery.targets[0].email`), so an error lands at its field. Pure functions, no DOM.
 */
import type { CampaignEdit } from '../../../server/src/routes/console/console-api.js';

export interface Draft {
  document: Record<string, unknown>;
  status: 'open' | 'closed';
  delivery: Record<string, unknown>;
}

type Bag = Record<string, unknown> | unknown[];
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `delivery.targets[0].email` → `['delivery', 'targets', 0, 'email']`. */
export function pathParts(path: string): (string | number)[] {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

export function getPath(root: unknown, path: string): unknown {
  let node = root;
  for (const part of pathParts(path)) node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[part] : undefined;
  return node;
}

/** Sets `path` in `root` (in place), making objects and lists on the way; `undefined` deletes. */
export function setPath(root: Bag, path: string, value: unknown): void {
  const parts = pathParts(path);
  let node: Bag = root;
  parts.forEach((part, index) => {
    const container = node as Record<string | number, unknown>;
    if (index === parts.length - 1) {
      if (value === undefined && !Array.isArray(node)) delete container[part];
      else container[part] = value;
      return;
    }
    const next = container[part];
    if (next === null || typeof next !== 'object') container[part] = typeof parts[index + 1] === 'number' ? [] : {};
    node = container[part] as Bag;
  });
}

/** The draft of a campaign as GET /api/console/campaigns/:id answers it. */
export function draftOf(campaign: CampaignEdit): Draft {
  const copy = structuredClone(campaign) as Record<string, unknown>;
  return {
    document: isRecord(copy['document']) ? copy['document'] : { texts: { en: {} } },
    status: copy['status'] === 'closed' ? 'closed' : 'open',
    delivery: isRecord(copy['delivery']) ? copy['delivery'] : { mode: 'off' },
  };
}

/** The languages of the document's texts, in its order. */
export function textLanguages(draft: Draft): string[] {
  const texts = draft.document['texts'];
  return isRecord(texts) ? Object.keys(texts) : [];
}

/** Letter languages: every key of `letter` but `to` and `mailto`. */
export function letterLanguages(draft: Draft): string[] {
  const letter = draft.document['letter'];
  return isRecord(letter) ? Object.keys(letter).filter((key) => key !== 'to' && key !== 'mailto') : [];
}

const dropEmpty = (texts: Record<string, unknown>) => Object.fromEntries(Object.entries(texts).filter(([, text]) => typeof text !== 'string' || text !== ''));

/**
 * What PUT sends: the draft without what the receiver would refuse for being out of place (a
 * letter language left empty, settings of a mode no longer chosen), never what it computes
 * itself (`letter.mailto`).
 */
export function editOf(draft: Draft): CampaignEdit {
  const document = structuredClone(draft.document);
  const texts = document['texts'];
  if (isRecord(texts)) for (const [language, entry] of Object.entries(texts)) if (isRecord(entry)) texts[language] = dropEmpty(entry);
  if (document['goal'] === '' || document['goal'] === null) delete document['goal'];
  const letter = document['letter'];
  if (isRecord(letter)) {
    delete letter['mailto'];
    for (const language of Object.keys(letter)) {
      const version = letter[language];
      if (language !== 'to' && isRecord(version) && !version['subject'] && !version['body']) delete letter[language];
    }
  }
  const delivery = structuredClone(draft.delivery);
  const mode = delivery['mode'];
  if (mode !== 'digest') for (const key of ['digestHour', 'timeZone', 'digestLanguage']) delete delivery[key];
  if (mode !== 'each') delete delivery['receipt'];
  if (!delivery['test']) delete delivery['testers'];
  if (delivery['receipt'] === false) delete delivery['receipt'];
  if (delivery['proofOfWork'] === false) delete delivery['proofOfWork'];
  return { document, status: draft.status, delivery };
}

/**
 * The public document the widget would get for this draft (as the receiver's publicDocument
 * makes it, server/src/campaigns/campaign-input.ts): its status, its count, the reply-to
 * question, and in mode mailto the targets' addresses.
 */
export function previewDocument(draft: Draft, id: string, count: number): Record<string, unknown> {
  const { document } = editOf(draft);
  const delivery = draft.delivery;
  const result: Record<string, unknown> = { ...(document as Record<string, unknown>), id, status: draft.status, count };
  if (delivery['replyTo'] === 'signer-if-agreed' && delivery['mode'] === 'each') result['replyTo'] = true;
  const letter = result['letter'];
  if (isRecord(letter) && delivery['mode'] === 'mailto' && Array.isArray(delivery['targets'])) {
    result['letter'] = { ...letter, mailto: delivery['targets'].map((target) => (isRecord(target) ? target['email'] : '')).filter(Boolean) };
  }
  return result;
}
