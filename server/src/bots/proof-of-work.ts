/**
 * The optional proof of work (README "Bots and floods"), for a campaign under attack
 * (`delivery.proofOfWork`): an ALTCHA challenge (altcha-lib, PBKDF2/SHA-256) issued with the
 * form token, solved by the signer's browser (the ALTCHA widget, loaded beside the embed only
 * for such a campaign), and checked here: signed by this receiver, for this campaign, solved,
 * and used for one signature only (the store's token uses, as `pow:<nonce>`).
 *
 * No expiry on the challenge itself: the form token says how fresh the form was, with the
 * leniency a signature queued offline needs; a solution is worth one signature whenever it comes.
 */
import { createChallenge, verifySolution, type Challenge, type Solution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import type { QuarantineReason } from './form-token.ts';

/** The challenge's difficulty: PBKDF2 iterations per try (POW_COST); a try in 256 solves it. */
export interface ProofOfWorkRules {
  secret: string;
  cost: number;
}

/** A challenge for a signature of `campaign`. */
export function powChallenge(rules: ProofOfWorkRules, campaign: string): Promise<Challenge> {
  return createChallenge({
    algorithm: 'PBKDF2/SHA-256',
    cost: rules.cost,
    keyPrefix: '00',
    deriveKey,
    data: { campaign },
    hmacSignatureSecret: rules.secret,
  });
}

/** The widget's `pow` field (ALTCHA's payload: base64 of `{challenge, solution}`), read; undefined if it is not one. */
function readPayload(pow: string): { challenge: Challenge; solution: Solution } | undefined {
  try {
    const payload = JSON.parse(Buffer.from(pow, 'base64').toString('utf8')) as { challenge?: Challenge; solution?: Solution };
    const { challenge, solution } = payload;
    if (typeof challenge?.parameters !== 'object' || challenge.parameters === null || typeof solution !== 'object' || solution === null) return undefined;
    return { challenge, solution };
  } catch {
    return undefined;
  }
}

/** Checks a signature's proof of work: the challenge's nonce for the replay check, or why it fails. */
export async function checkProofOfWork(
  pow: string | undefined,
  campaign: string,
  rules: ProofOfWorkRules,
): Promise<{ ok: true; nonce: string } | { ok: false; reason: QuarantineReason }> {
  if (!pow) return { ok: false, reason: 'no-pow' };
  const payload = readPayload(pow);
  if (!payload) return { ok: false, reason: 'bad-pow' };
  let verified = false;
  try {
    verified = (await verifySolution({ ...payload, deriveKey, hmacSignatureSecret: rules.secret })).verified;
  } catch {
    // A payload of the right shape with values the library refuses (a wrong algorithm, a huge cost).
    verified = false;
  }
  // Signed by us, so its data is ours: a solution for another campaign's challenge is no proof for this one.
  if (!verified || payload.challenge.parameters.data?.campaign !== campaign) return { ok: false, reason: 'bad-pow' };
  // A cost we did not set would have failed the signature; the nonce is ours too.
  return { ok: true, nonce: `pow:${payload.challenge.parameters.nonce}` };
}
