/**
 * The receiver's bot checks as the routes use them (README "Bots and floods"): form tokens minted
 * for the widget, a signature's verdict (counted, or quarantined and why) and the per-campaign
 * rate. The secret comes from FORM_TOKEN_SECRET, else from the store, generated at first use.
 */
import type { Config } from '../config/load-config.ts';
import type { SignaturePayload } from '../signature-schema.ts';
import type { Store } from '../store/store.ts';
import { createCampaignRate, createSharedCampaignRate } from './campaign-rate.ts';
import { checkFormToken, mintFormToken, QUEUED_MAX_MS, type QuarantineReason } from './form-token.ts';
import { checkProofOfWork, powChallenge } from './proof-of-work.ts';
import type { Challenge } from 'altcha-lib';

export interface BotChecks {
  /** A fresh form token for `campaign`. */
  tokenFor(campaign: string): Promise<string>;
  /** A proof-of-work challenge for `campaign` (delivery.proofOfWork). */
  challengeFor(campaign: string): Promise<Challenge>;
  /**
   * One signature through the campaign's rate (one of its budget, from every address together)
   * and the bot checks: `wait` (seconds) when the rate turns it away, else `suspect`, why it must
   * be held back (undefined: it may be counted). `proofOfWork`: the campaign asks for one.
   */
  screen(payload: SignaturePayload, now: number, proofOfWork?: boolean): Promise<{ wait?: number; suspect?: QuarantineReason }>;
}

/** The bot checks for `config`, keeping what they remember in `store`. */
export function createBotChecks(config: Config, store: Store): BotChecks {
  const { bots } = config;
  let secret: Promise<string> | undefined;
  const key = () => (secret ??= bots.tokenSecret ? Promise.resolve(bots.tokenSecret) : store.receiverSecret('form-token'));
  // Its own secret, derived apart from the token's: one leaked key does not forge the other.
  const powRules = async () => ({ secret: `pow:${await key()}`, cost: bots.powCost });
  const forgetBefore = (now: number) => now - QUEUED_MAX_MS - bots.tokenTtlMs;
  const shared = store.rateLimits !== undefined;
  // Several receivers on one database: counted there, so the cap holds across them.
  const campaignRate = store.rateLimits
    ? createSharedCampaignRate(store.rateLimits, bots.campaignPerMinute)
    : createCampaignRate(bots.campaignPerMinute);
  /** Why `payload` must be held back, or undefined when it may be counted. */
  const verdict = async (payload: SignaturePayload, now: number, proofOfWork = false): Promise<QuarantineReason | undefined> => {
    // Humans never see the honeypot field; only a script fills every input it finds.
    if (payload.honeypot?.trim()) return 'honeypot';
    const token = checkFormToken(payload.formToken, payload.campaign, Date.parse(payload.createdAt), now, {
      secret: await key(),
      minMs: bots.minMs,
      ttlMs: bots.tokenTtlMs,
    });
    if (!token.ok) return token.reason;
    const pow = proofOfWork ? await checkProofOfWork(payload.pow, payload.campaign, await powRules()) : undefined;
    if (pow && !pow.ok) return pow.reason;
    // One token (and one solved challenge), one signature: a retry of the same id may bring it again, another id may not.
    for (const nonce of [token.nonce, ...(pow ? [pow.nonce] : [])]) {
      if ((await store.recordFormTokenUse(nonce, payload.id, now, forgetBefore(now))) !== payload.id) return 'replayed-token';
    }
    return undefined;
  };
  return {
    async tokenFor(campaign) {
      return mintFormToken(await key(), campaign, Date.now());
    },
    async challengeFor(campaign) {
      return powChallenge(await powRules(), campaign);
    },
    async screen(payload, now, proofOfWork) {
      if (!shared) {
        // The rate in memory answers at once: a signature it turns away writes nothing.
        const wait = await campaignRate(payload.campaign, now);
        return wait === undefined ? { suspect: await verdict(payload, now, proofOfWork) } : { wait };
      }
      // In the database, side by side: the campaign's count and the token's use then go in one
      // statement (store/postgres/request-writes.ts) instead of two round trips one after the
      // other. A signature the rate turns away has spent its token, which changes nothing: its
      // retry brings the same id, and the same id may bring the token again.
      const [wait, suspect] = await Promise.all([campaignRate(payload.campaign, now), verdict(payload, now, proofOfWork)]);
      return wait === undefined ? { suspect } : { wait };
    },
  };
}
