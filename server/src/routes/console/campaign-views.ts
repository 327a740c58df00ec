/**
 * The console's answers (console-api.ts) built from what the store read: pure functions, so the
 * routes in campaigns.ts stay a list of steps.
 */
import type { AllowedOrigins } from '../../config/allowed-origins.ts';
import type { LetterStatus, Target } from '../../letters/letter-types.ts';
import type { CampaignStats, SignatureOverview, TargetLetterTally } from '../../store/overview-queries.ts';
import type { CampaignSummary, StoredCampaign } from '../../store/store.ts';
import type { CampaignEdit, CampaignListItem, DayCount, LetterCounts, Overview, TargetLetters } from './console-api.ts';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Letters by status as the console counts them: queued and sending are both waiting. */
export function letterCounts(counts: Partial<Record<LetterStatus, number>>): LetterCounts {
  const n = (status: LetterStatus) => counts[status] ?? 0;
  return {
    sent: n('sent'),
    waiting: n('queued') + n('sending'),
    failed: n('failed'),
    unknown: n('unknown'),
    awaitingConfirmation: n('awaiting-confirmation'),
  };
}

/** A row of the campaigns list. */
export function campaignListItem(summary: CampaignSummary, stats: CampaignStats | undefined): CampaignListItem {
  const goal = stats?.goal ?? null;
  const { count } = summary;
  return {
    id: summary.id,
    title: summary.title ?? summary.id,
    status: summary.status,
    paused: summary.sendingPaused,
    count,
    goal,
    goalReached: goal !== null && count >= goal,
    consentingShare: count === 0 ? 0 : Math.min(1, (stats?.consenting ?? 0) / count),
    lastSignatureAt: stats?.lastSignatureAt ?? null,
    letters: letterCounts(summary.letters),
  };
}

/** The stored campaign in the shape PUT takes. */
export function editableCampaign(campaign: StoredCampaign): CampaignEdit {
  return { document: campaign.document, status: campaign.status, delivery: campaign.delivery };
}

/** ALLOWED_ORIGINS for the embed page's warning; the local-development ones as `http://localhost:*` patterns. */
export function allowedOriginList(allowed: AllowedOrigins): string[] | '*' {
  if (allowed.any) return '*';
  const local = allowed.localDev ? ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'] : [];
  return [...allowed.origins, ...local];
}

/** Each day of `dates` with its signatures and the count at its end; `before` were received earlier. */
export function dayCounts(dates: readonly string[], before: number, days: SignatureOverview['days']): DayCount[] {
  const added = new Map(days.map((day) => [day.date, day.added]));
  let total = before;
  return dates.map((date) => {
    const n = added.get(date) ?? 0;
    total += n;
    return { date, added: n, total };
  });
}

/**
 * Letters per target: the campaign's targets first (in mode each, whose letters these are), then
 * any other address with letters (a target since removed, or from before a change of mode).
 * Addresses are matched without regard to case, as the letter worker's caps match them.
 */
export function targetLetters(targets: readonly Target[], tallies: readonly TargetLetterTally[]): TargetLetters[] {
  type Entry = { name: string; email: string; counts: Partial<Record<LetterStatus, number>>; lastResponse: string | null; lastAttemptAt: number | null };
  const entries = new Map<string, Entry>();
  for (const target of targets) {
    const key = target.email.toLowerCase();
    if (!entries.has(key)) entries.set(key, { name: target.name, email: target.email, counts: {}, lastResponse: null, lastAttemptAt: null });
  }
  for (const tally of tallies) {
    const key = tally.email.toLowerCase();
    let entry = entries.get(key);
    if (!entry) {
      entry = { name: tally.name, email: tally.email, counts: {}, lastResponse: null, lastAttemptAt: null };
      entries.set(key, entry);
    }
    for (const [status, n] of Object.entries(tally.counts) as [LetterStatus, number][]) entry.counts[status] = (entry.counts[status] ?? 0) + n;
    if (tally.lastAttemptAt !== null && (entry.lastAttemptAt === null || tally.lastAttemptAt > entry.lastAttemptAt)) {
      entry.lastAttemptAt = tally.lastAttemptAt;
      entry.lastResponse = tally.lastResponse;
    }
  }
  return [...entries.values()].map((entry) => ({
    name: entry.name,
    email: entry.email,
    counts: letterCounts(entry.counts),
    lastAnswer: entry.lastResponse,
    lastAttemptAt: iso(entry.lastAttemptAt),
  }));
}

/** The overview of `campaign` for the range `from`…`to` (its `dates`). */
export function overview(
  campaign: StoredCampaign,
  range: { from: string; to: string; dates: readonly string[] },
  signatures: SignatureOverview,
  tallies: readonly TargetLetterTally[],
): Overview {
  const days = dayCounts(range.dates, signatures.before, signatures.days);
  const goal = campaign.document.goal;
  return {
    id: campaign.id,
    from: range.from,
    to: range.to,
    goal: typeof goal === 'number' ? goal : null,
    count: signatures.count,
    inRange: days.reduce((sum, day) => sum + day.added, 0),
    days,
    channels: signatures.channels,
    languages: signatures.languages,
    countries: signatures.countries,
    pages: signatures.pages,
    targets: targetLetters(campaign.delivery.mode === 'each' ? campaign.delivery.targets : [], tallies),
    paused: campaign.sendingPaused,
  };
}
