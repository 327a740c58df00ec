/** The `:campaign` of a public URL: checked against the payload's pattern before any lookup. */
import { CAMPAIGN_PATTERN } from '../signature-schema.ts';

const CAMPAIGN = new RegExp(CAMPAIGN_PATTERN);

/** True when `id` can name a campaign (SPEC §4.1). */
export function isCampaignId(id: string): boolean {
  return CAMPAIGN.test(id);
}

/** The 400 body for a `:campaign` that cannot name one. */
export function invalidCampaign() {
  return { error: 'invalid-campaign', message: `The campaign must match ${CAMPAIGN_PATTERN}.` };
}
