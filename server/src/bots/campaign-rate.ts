/**
 * Signatures per campaign per minute, from every address together (CAMPAIGN_RATE_LIMIT_MAX): a
 * flood from many addresses, which the per-address limit cannot see, waits here. A fixed window
 * per campaign: in memory when one receiver process holds a campaign's traffic (SQLite), in the
 * store's shared counters when several receivers do (PostgreSQL: Store.rateLimits), so the cap
 * is one cap however the load balancer spreads the flood.
 */
import type { RateLimitCounters } from '../store/store.ts';

/** Takes one signature for a campaign: undefined when it may pass, else the seconds to wait. */
export type CampaignRate = (campaign: string, now: number) => Promise<number | undefined>;

/** A limiter allowing `max` signatures per campaign per `windowMs`, counted in this process. */
export function createCampaignRate(max: number, windowMs = 60_000): CampaignRate {
  const windows = new Map<string, { start: number; taken: number }>();
  return async (campaign, now) => {
    let window = windows.get(campaign);
    if (!window || now - window.start >= windowMs) {
      // Campaigns are few; a window is dropped when its campaign is quiet for a whole window.
      if (windows.size > 1000) for (const [key, old] of windows) if (now - old.start >= windowMs) windows.delete(key);
      window = { start: now, taken: 0 };
      windows.set(campaign, window);
    }
    if (window.taken >= max) return Math.max(1, Math.ceil((window.start + windowMs - now) / 1000));
    window.taken += 1;
    return undefined;
  };
}

/**
 * The same limit on counters every receiver shares. The window is the counters' (timed by the
 * database's clock); a signature turned away counts too, which changes nothing: the window ends
 * when it would have, and the cap is already reached.
 */
export function createSharedCampaignRate(counters: RateLimitCounters, max: number, windowMs = 60_000): CampaignRate {
  return async (campaign) => {
    // Apart from the HTTP limits' keys, which start with a method and a path or "limiter-".
    const { count, ttlMs } = await counters.increment(`campaign-rate|${campaign}`, windowMs);
    return count > max ? Math.max(1, Math.ceil(ttlMs / 1000)) : undefined;
  };
}
