/**
 * What an organiser sends to create or replace a campaign (SPEC §8): the public document (§5),
 * the status and the private delivery settings (§9.1). One pure check names every problem, so
 * the admin API answers 422 with all of them at once and nothing is half-saved.
 */
import { documentProblem } from '../../../src/contract/campaign-document.ts';
import { parseDeliverySettings, type DeliverySettings } from '../letters/letter-types.ts';
import { digestLetter, documentLetter } from '../letters/letters-for-signature.ts';
import { CAMPAIGN_PATTERN } from '../signature-schema.ts';

export type CampaignStatus = 'open' | 'closed';

/** A campaign as stored: the public document, its status and the private delivery settings. */
export interface CampaignInput {
  document: Record<string, unknown>;
  status: CampaignStatus;
  delivery: DeliverySettings;
}

/** The one-file form of a campaign, for `npm run campaign -- export|import` and git. */
export interface CampaignFile extends CampaignInput {
  id: string;
}

export type CampaignInputResult = { ok: true; input: CampaignInput } | { ok: false; errors: Record<string, string> };

const CAMPAIGN = new RegExp(CAMPAIGN_PATTERN);
const KNOWN_KEYS = new Set(['id', 'document', 'status', 'delivery']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Settings this receiver cannot carry out together. Refused rather than stored, so no organiser
 * believes letters are leaving (or waiting for a confirmation) when none will.
 */
function notYetSent(settings: DeliverySettings): Record<string, string> {
  const errors: Record<string, string> = {};
  // Test mode sends each letter to its own signer; a digest has many signers and no one to send it to.
  if (settings.mode === 'digest' && settings.test) errors['delivery.test'] = 'test mode is not available with mode digest (it sends a letter to its own signer); try the campaign with mode "each" first';
  if (settings.mode === 'mailto' && settings.test) errors['delivery.test'] = 'test mode sends letters to the signer; in mode mailto the receiver sends nothing (the signer sends it), so there is nothing to test here';
  // Confirmation holds single letters. With a digest, an unconfirmed signer would have to be kept
  // out of the day's list until they confirm: not built, so refused rather than half done.
  if (settings.confirm && settings.mode !== 'each') {
    errors['delivery.confirm'] = `confirmation by email holds single letters: use it with mode "each" (not "${settings.mode}")`;
  }
  // Only a single letter has one signer to answer: a digest lists many, mailto is sent by the signer.
  if (settings.replyTo !== 'none' && settings.mode !== 'each') {
    errors['delivery.replyTo'] = `a Reply-To to the signer needs single letters: use it with mode "each" (not "${settings.mode}")`;
  }
  return errors;
}

/** The fields of a campaign document (SPEC §5) an organiser writes; only these are ever served. */
const DOCUMENT_KEYS = new Set(['id', 'goal', 'texts', 'letter']);
/** The fields the receiver adds when it serves a document, refused with their own reason in parseCampaignInput. */
const RECEIVER_KEYS = new Set(['status', 'count', 'replyTo']);

/**
 * The campaign document as the public sees it (GET /api/campaigns/<id>): the stored document, plus
 * what the delivery settings let out, computed now and never stored: `replyTo: true` when the form
 * must ask the reply-to question, and in mode mailto `letter.mailto`, the targets' addresses (the
 * organiser publishes them by choosing that mode). No target address in any other mode.
 */
export function publicDocument(document: Record<string, unknown>, delivery: DeliverySettings): Record<string, unknown> {
  // Only the known fields, even if an older receiver stored more.
  const result: Record<string, unknown> = Object.fromEntries(Object.entries(document).filter(([key]) => DOCUMENT_KEYS.has(key)));
  if (delivery.replyTo === 'signer-if-agreed' && delivery.mode === 'each') result.replyTo = true;
  if (isRecord(document.letter)) {
    const { mailto: _staleMailto, ...letter } = document.letter;
    result.letter = delivery.mode === 'mailto' ? { ...letter, mailto: delivery.targets.map((target) => target.email) } : letter;
  }
  return result;
}

/** Mode mailto hands the signer the document's letter: it must be there. */
function mailtoDocumentProblems(document: Record<string, unknown>, settings: DeliverySettings): Record<string, string> {
  if (settings.mode !== 'mailto' || documentLetter(document, 'en')) return {};
  return { 'document.letter': 'mode mailto gives the signer the campaign\'s letter to send: the document needs letter.<language> with a subject and a body' };
}

/** A digest holds the document's letter once: it must be there, in `digestLanguage` when one is named. */
function digestDocumentProblems(document: Record<string, unknown>, settings: DeliverySettings): Record<string, string> {
  const letter = isRecord(document.letter) ? document.letter : undefined;
  if (settings.digestLanguage !== undefined && !isRecord(letter?.[settings.digestLanguage])) {
    return { 'delivery.digestLanguage': `the document has no letter in "${settings.digestLanguage}" (document.letter.${settings.digestLanguage})` };
  }
  if (!digestLetter(document, settings)) return { 'document.letter': 'mode digest sends the campaign\'s letter: the document needs letter.<language> with a subject and a body' };
  return {};
}

/** A status read back from storage (the database's CHECK constraint allows no other). */
export function parseCampaignStatus(value: string): CampaignStatus {
  if (value === 'open' || value === 'closed') return value;
  throw new Error(`unknown campaign status "${value}"`);
}

/** True when `id` can name a campaign (it appears in URLs). */
export function isCampaignId(id: string): boolean {
  return CAMPAIGN.test(id);
}

/**
 * Checks a PUT body (or a campaign file) for the campaign `id`. The document's own `id`, when
 * given, must be the same; when absent it is filled in, so the widget can read it.
 */
export function parseCampaignInput(id: string, body: unknown): CampaignInputResult {
  const errors: Record<string, string> = {};
  if (!isCampaignId(id)) errors.id = 'must be a lowercase identifier of 1–64 letters, digits, - or _';
  if (!isRecord(body)) return { ok: false, errors: { ...errors, body: 'must be a JSON object' } };
  for (const key of Object.keys(body)) {
    if (!KNOWN_KEYS.has(key)) errors[key.slice(0, 64)] = 'is not a known field (expected document, status, delivery)';
  }
  if (body.id !== undefined && body.id !== id) errors.id = `must be "${id}", the campaign in the URL`;

  const { document, status = 'open', delivery = { mode: 'off' } } = body;
  if (!isRecord(document)) {
    errors.document = 'must be the campaign document (an object with texts, see SPEC §5)';
  } else {
    const problem = documentProblem(document);
    if (problem) errors[`document.${problem.split(':')[0]}`] = problem.slice(problem.indexOf(':') + 1).trim();
    if (document.id !== undefined && document.id !== id) errors['document.id'] = `must be "${id}" or left out`;
    // Counts and status are the receiver's to say; a stale copy in the document would mislead.
    for (const key of ['status', 'count']) if (key in document) errors[`document.${key}`] = 'is set by the receiver, leave it out';
    // Computed from the delivery settings when the document is served (publicDocument).
    if ('replyTo' in document) errors['document.replyTo'] = 'is set by the receiver from delivery.replyTo, leave it out';
    if (isRecord(document.letter) && 'mailto' in document.letter) errors['document.letter.mailto'] = 'is set by the receiver from delivery.targets in mode mailto, leave it out';
    // The document is public: a key the widget does not read could only leak (delivery settings
    // pasted into it by mistake would publish the targets' addresses).
    for (const key of Object.keys(document)) {
      if (!DOCUMENT_KEYS.has(key) && !RECEIVER_KEYS.has(key)) {
        errors[`document.${key.slice(0, 64)}`] = key === 'delivery' || key === 'targets'
          ? 'belongs beside the document ("delivery" in the campaign), never in it: the document is public'
          : 'is not a field of the campaign document (id, goal, texts, letter)';
      }
    }
  }
  if (status !== 'open' && status !== 'closed') errors.status = 'must be "open" or "closed"';

  const parsed = parseDeliverySettings(delivery);
  if (!parsed.ok) Object.assign(errors, parsed.errors);
  else Object.assign(errors, notYetSent(parsed.settings));

  if (parsed.ok && parsed.settings.mode === 'digest' && isRecord(document)) Object.assign(errors, digestDocumentProblems(document, parsed.settings));
  if (parsed.ok && isRecord(document)) Object.assign(errors, mailtoDocumentProblems(document, parsed.settings));

  if (Object.keys(errors).length > 0 || !parsed.ok || !isRecord(document)) return { ok: false, errors };
  return { ok: true, input: { document: { ...document, id }, status: status as CampaignStatus, delivery: parsed.settings } };
}
