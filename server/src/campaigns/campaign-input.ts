/**
 * What an organiser sends to create or replace a campaign (SPEC §8): the public document (§5),
 * the status and the private delivery settings (§9.1). One pure check names every problem, so
 * the admin API answers 422 with all of them at once and nothing is half-saved.
 */
import { documentProblem } from '../../../src/campaign/document-problem.ts';
import { parseDeliverySettings, type DeliverySettings } from '../letters/letter-types.ts';
import { digestLetter } from '../letters/letters-for-signature.ts';
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
 * Settings SPEC §9 describes that this receiver cannot carry out yet. Refused rather than stored,
 * so no organiser believes letters are leaving (or waiting for a confirmation) when none will.
 */
function notYetSent(settings: DeliverySettings): Record<string, string> {
  const errors: Record<string, string> = {};
  if (settings.mode === 'mailto') {
    errors['delivery.mode'] = `"${settings.mode}" is not available in this receiver yet; use "each", "digest" or "off"`;
  }
  // Test mode sends each letter to its own signer; a digest has many signers and no one to send it to.
  if (settings.mode === 'digest' && settings.test) errors['delivery.test'] = 'test mode is not available with mode digest (it sends a letter to its own signer); try the campaign with mode "each" first';
  if (settings.confirm) errors['delivery.confirm'] = 'confirmation by email is not available in this receiver yet; leave it false';
  if (settings.replyTo !== 'none') errors['delivery.replyTo'] = 'a Reply-To by the signer\'s consent is not available in this receiver yet; use "none"';
  return errors;
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
  }
  if (status !== 'open' && status !== 'closed') errors.status = 'must be "open" or "closed"';

  const parsed = parseDeliverySettings(delivery);
  if (!parsed.ok) Object.assign(errors, parsed.errors);
  else Object.assign(errors, notYetSent(parsed.settings));

  if (parsed.ok && parsed.settings.mode === 'digest' && isRecord(document)) Object.assign(errors, digestDocumentProblems(document, parsed.settings));

  if (Object.keys(errors).length > 0 || !parsed.ok || !isRecord(document)) return { ok: false, errors };
  return { ok: true, input: { document: { ...document, id }, status: status as CampaignStatus, delivery: parsed.settings } };
}
