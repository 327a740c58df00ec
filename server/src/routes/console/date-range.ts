/**
 * The overview's date range (`?from=YYYY-MM-DD&to=YYYY-MM-DD`, UTC, both days included): checked,
 * defaulted (to: today; from: 29 days before `to`, so 30 days) and turned into the reception
 * instants the store compares `received_at` with.
 */
import type { ReceivedRange } from '../../store/overview-queries.ts';

/** The longest range, in days: a year, leap day included. */
export const MAX_RANGE_DAYS = 366;
/** The default range, in days, `to` included. */
export const DEFAULT_RANGE_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export type DateRange =
  | { ok: true; from: string; to: string; received: ReceivedRange; dates: string[] }
  | { ok: false; field: 'from' | 'to'; message: string };

const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Midnight UTC of a YYYY-MM-DD that names a real day, else undefined (2026-02-30, 2026-13-01, …). */
function parseDay(value: string): number | undefined {
  if (!DATE.test(value)) return undefined;
  const ms = Date.parse(`${value}T00:00:00.000Z`);
  return Number.isFinite(ms) && dayOf(ms) === value ? ms : undefined;
}

/** The range `query` asks for, or why it cannot be one; `now` decides the default. */
export function parseDateRange(query: { from?: unknown; to?: unknown }, now: number): DateRange {
  const read = (field: 'from' | 'to'): number | undefined | { ok: false; field: 'from' | 'to'; message: string } => {
    const value = query[field];
    if (value === undefined || value === '') return undefined;
    const ms = typeof value === 'string' ? parseDay(value) : undefined;
    if (ms === undefined) {
      const shown = typeof value === 'string' ? `"${value.slice(0, 40)}"` : 'given more than once';
      return { ok: false, field, message: `"${field}" must be a day as YYYY-MM-DD (UTC), such as 2026-11-27; got ${shown}.` };
    }
    return ms;
  };
  const to = read('to');
  if (typeof to === 'object') return to;
  const from = read('from');
  if (typeof from === 'object') return from;

  const toMs = to ?? Date.parse(`${dayOf(now)}T00:00:00.000Z`);
  const fromMs = from ?? toMs - (DEFAULT_RANGE_DAYS - 1) * DAY_MS;
  if (fromMs > toMs) return { ok: false, field: 'from', message: `"from" (${dayOf(fromMs)}) is after "to" (${dayOf(toMs)}).` };
  const days = Math.round((toMs - fromMs) / DAY_MS) + 1;
  if (days > MAX_RANGE_DAYS) {
    return { ok: false, field: 'from', message: `The range is ${days} days; at most ${MAX_RANGE_DAYS} are shown at once.` };
  }

  const dates = Array.from({ length: days }, (_, index) => dayOf(fromMs + index * DAY_MS));
  const fromDay = dayOf(fromMs);
  const toDay = dayOf(toMs);
  // `T24:00` (ISO 8601's end of a day) sorts after every instant of `to` and before the next day,
  // whatever the year: the stored times are all toISOString()'s fixed form.
  return { ok: true, from: fromDay, to: toDay, received: { from: `${fromDay}T00:00:00.000Z`, until: `${toDay}T24:00:00.000Z` }, dates };
}
