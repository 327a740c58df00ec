/**
 * Campaigns as the signature route reads them: every signature needs its campaign's status and
 * delivery settings, so they are kept in memory for a second. A change made through this
 * receiver's admin API is seen at once (`forget`); one made by another receiver on the same
 * database within a second.
 */
import type { Store, StoredCampaign } from '../store/store.ts';

export interface CampaignCache {
  /** The campaign, or undefined when the receiver holds none by that id. */
  get(id: string): Promise<StoredCampaign | undefined>;
  /** Drops a campaign (or, with '', every campaign) so the next get reads the store. */
  forget(id: string): void;
}

/** Caches `store.getCampaign`, misses included, for `ttlMs`; at most `maxEntries` ids. */
export function createCampaignCache(store: Pick<Store, 'getCampaign'>, ttlMs = 1000, maxEntries = 1000): CampaignCache {
  const entries = new Map<string, { at: number; campaign: Promise<StoredCampaign | undefined> }>();
  return {
    get(id) {
      const now = Date.now();
      const hit = entries.get(id);
      if (hit && now - hit.at < ttlMs) return hit.campaign;
      // A flood of made-up ids must not grow the map without end.
      if (entries.size >= maxEntries) entries.clear();
      const campaign = store.getCampaign(id);
      entries.set(id, { at: now, campaign });
      campaign.catch(() => entries.delete(id));
      return campaign;
    },
    forget(id) {
      if (id === '') entries.clear();
      else entries.delete(id);
    },
  };
}
