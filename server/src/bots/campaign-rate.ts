/**
 * Signatures per campaign per minute, from every address together (CAMPAIGN_RATE_LIMIT_MAX): a
 * flood from many addresses, which the per-address limit cannot see, waits here. A fixed window
 * per campaign, in memory: one receiver process holds a campaign's traffic.
 */

/** Takes one signature for a campaign: undefined when it may pass, else the seconds to wait. */
export type CampaignRate = (campaign: string, now: number) => number | undefined;

/** A limiter allowing `max` signatures per campaign per `windowMs`. */
export function createCampaignRate(max: number, windowMs = 60_000): CampaignRate {
  const windows = new Map<string, { start: number; taken: number }>();
  return (campaign, now) => {
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
