/**
 * When to try a letter again, when to give up, and when a target's office is open. Pure: the
 * clock and the randomness come in as arguments. Time zones through `Intl` alone: we only need
 * "local wall clock of an instant" and its inverse, which `Intl.DateTimeFormat` gives exactly.
 */
import { DEFAULT_WINDOW_DAYS, minutesOf } from './delivery-settings.ts';
import type { DeliverySettings, SendingWindow } from './letter-types.ts';

export const FIRST_RETRY_MS = 30_000;
export const MAX_RETRY_MS = 60 * 60 * 1000;
export const GIVE_UP_AFTER_MS = 48 * 60 * 60 * 1000;
export const HOUR_MS = 60 * 60 * 1000;

/**
 * Delay before the next try after `attempts` tries: 30 s, 60 s, 2 min … capped at one hour,
 * each drawn from the upper half of its step ("equal jitter") so a batch that failed together
 * does not come back together, and the first retry stays within 15–30 s (SPEC: within a minute).
 */
export function nextAttemptDelay(attempts: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempts, 1) - 1, 20);
  const step = Math.min(FIRST_RETRY_MS * 2 ** exponent, MAX_RETRY_MS);
  return Math.round(step / 2 + (step / 2) * Math.min(Math.max(random(), 0), 1));
}

/** True once temporary failures have gone on for 48 hours since the first attempt. */
export function shouldGiveUp(firstAttemptAt: number, now: number, limitMs: number = GIVE_UP_AFTER_MS): boolean {
  return now - firstAttemptAt >= limitMs;
}

/** How many more letters a target may receive now, given how many it got in the last hour. */
export function capRemaining(sentInLastHour: number, hourlyCap: number): number {
  return Math.max(0, hourlyCap - sentInLastHour);
}

/**
 * When a capped target may receive again: one hour after the `hourlyCap`-th most recent send.
 * `recentSends` are the send times within the last hour, any order.
 */
export function capFreesAt(recentSends: readonly number[], hourlyCap: number, now: number): number {
  if (recentSends.length < hourlyCap) return now;
  const newestFirst = [...recentSends].sort((a, b) => b - a);
  return Math.max(now, newestFirst[hourlyCap - 1]! + HOUR_MS);
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The local calendar date and time of an instant in a zone. */
function wallClock(instant: number, timeZone: string): WallClock & { seconds: number } {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  const weekday = ((new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7) + 1;
  return { year, month, day, weekday, minutes: hour * 60 + minute, seconds: second };
}

/** The zone's offset from UTC at an instant, in ms (local = UTC + offset). */
function offsetAt(instant: number, timeZone: string): number {
  const wall = wallClock(instant, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, 0, wall.minutes, wall.seconds);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a local wall-clock time happens. In a DST gap (a time that does not exist) this
 * lands just after the gap; in an overlap, on the earlier of the two instants.
 */
function instantOf(year: number, month: number, day: number, minutes: number, timeZone: string): number {
  const local = Date.UTC(year, month - 1, day, 0, minutes);
  let guess = local - offsetAt(local, timeZone);
  guess = local - offsetAt(guess, timeZone);
  return guess;
}

/** True if `instant` is inside the window (a day listed, start ≤ local time < end). */
export function isInsideWindow(instant: number, window: SendingWindow): boolean {
  const wall = wallClock(instant, window.timeZone);
  const days = window.days ?? DEFAULT_WINDOW_DAYS;
  return days.includes(wall.weekday) && wall.minutes >= minutesOf(window.start) && wall.minutes < minutesOf(window.end);
}

/** The earliest ms at or after `now` inside the window; `now` when there is no window. */
export function nextSendingTime(now: number, window: SendingWindow | undefined): number {
  if (!window || isInsideWindow(now, window)) return now;
  const today = wallClock(now, window.timeZone);
  const days = window.days ?? DEFAULT_WINDOW_DAYS;
  // Calendar arithmetic on the local date is zone-free; only the final conversion needs the zone.
  for (let offset = 0; offset <= 8; offset++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    const weekday = ((date.getUTCDay() + 6) % 7) + 1;
    if (!days.includes(weekday)) continue;
    const opening = instantOf(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), minutesOf(window.start), window.timeZone);
    if (opening >= now && isInsideWindow(opening, window)) return opening;
  }
  // Unreachable for a valid window (some listed day opens within 8 days); never block for ever.
  return now + HOUR_MS;
}

/**
 * When a due letter or digest to a target may go, if not now: its campaign's window opens, or
 * its hourly cap frees. `recentSends` (the target's sends of the last hour) is read only once
 * the window is open, so a held batch costs no reads.
 */
export function heldUntil(now: number, settings: Pick<DeliverySettings, 'window' | 'hourlyCap'>, recentSends: () => readonly number[]): number | undefined {
  const opensAt = nextSendingTime(now, settings.window);
  if (opensAt > now) return opensAt;
  const sends = recentSends();
  return sends.length >= settings.hourlyCap ? capFreesAt(sends, settings.hourlyCap, now) : undefined;
}

/** The local calendar date of an instant in a zone, as `YYYY-MM-DD`. */
export function localDate(instant: number, timeZone: string): string {
  const { year, month, day } = wallClock(instant, timeZone);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The instant of local `hour`:00 on the local date `dayOffset` days from `instant`'s. */
function digestTimeOn(instant: number, dayOffset: number, hour: number, timeZone: string): number {
  const today = wallClock(instant, timeZone);
  const date = new Date(Date.UTC(today.year, today.month - 1, today.day + dayOffset));
  return instantOf(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), hour * 60, timeZone);
}

/**
 * The most recent digest time at or before `now`: today's `hour`:00 local if it has passed,
 * else yesterday's. A signature made before it belongs to a digest that is due.
 */
export function latestDigestTime(now: number, hour: number, timeZone: string): number {
  for (const offset of [0, -1, -2]) {
    const at = digestTimeOn(now, offset, hour, timeZone);
    if (at <= now) return at;
  }
  return now - 24 * HOUR_MS;
}

/** The first digest time strictly after `instant`: when a signature made then is sent. */
export function nextDigestTime(instant: number, hour: number, timeZone: string): number {
  for (const offset of [0, 1, 2]) {
    const at = digestTimeOn(instant, offset, hour, timeZone);
    if (at > instant) return at;
  }
  return instant + 24 * HOUR_MS;
}
