/**
 * A signer's columns as the letter and digest queues read them back from `signatures`: a blank
 * column counts as absent, and the name is the one they gave or, failing that, first and last.
 */
import type { DigestSigner } from './letter-types.ts';

/** The column's value, or undefined when it is NULL or only white space. */
export const present = (value: string | null): string | undefined => (value === null || value.trim() === '' ? undefined : value);

/** The name a signer goes by in a letter or a digest. */
export function signerName(row: { name: string | null; first_name: string | null; last_name: string | null }): string {
  return present(row.name) ?? [row.first_name, row.last_name].map((part) => part?.trim()).filter(Boolean).join(' ');
}

/** The columns a digest lists of one signer (no address: the digest goes to the target). */
export interface SignerRow {
  first_name: string | null;
  last_name: string | null;
  name: string | null;
  organisation: string | null;
  country: string | null;
  edited_subject: string | null;
  edited_body: string | null;
}

/** A signer row as the digest lists it: name, organisation, country, their words; no address. */
export function toSigner(row: SignerRow): DigestSigner {
  const signer: DigestSigner = { name: signerName(row) };
  const organisation = present(row.organisation);
  const country = present(row.country);
  if (organisation) signer.organisation = organisation;
  if (country) signer.country = country;
  const subject = present(row.edited_subject);
  const body = present(row.edited_body);
  if (subject || body) signer.edited = { ...(subject ? { subject } : {}), ...(body ? { body } : {}) };
  return signer;
}
