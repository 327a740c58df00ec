/**
 * A campaign's private delivery settings (SPEC §9.1): the validator, its defaults, and the
 * checks it shares with the composers (a strict address, a time zone, `HH:MM`).
 *
 * Defaults of `parseDeliverySettings` (documented here, the README can quote them):
 * - `mode`: `each` when targets are given, `off` when none are (so a campaign saved without a
 *   `delivery` object collects signatures only, and one with targets sends without a second knob);
 * - `confirm: false`, `replyTo: 'none'`, `test: false`, `receipt: false` (the key is left out of
 *   the settings unless true; refused outside mode `each`), `hourlyCap: 30` letters per target per hour
 *   (Proca's default; protects a target from a flood if an end date is wrong);
 * - no `window`: letters leave at any hour. A window's `days` default to Monday–Friday.
 * - mode `digest`: `digestHour: 18` in `timeZone`, which defaults to the window's zone, else UTC;
 *   `digestLanguage` unset (the document's `en` letter, else its first). These three keys are
 *   refused outside mode `digest`, so nobody sets an hour believing it changes single letters.
 * Unknown keys are errors, so a typo (`"tagets"`) cannot silently disable sending.
 */
import type { DeliverySettings, SendingWindow, Target } from './letter-types.ts';

/** Letters per target per rolling hour when `hourlyCap` is left out. */
export const DEFAULT_HOURLY_CAP = 30;
/** The local hour a digest leaves when `digestHour` is left out. */
export const DEFAULT_DIGEST_HOUR = 18;
/** The digest's zone when neither `timeZone` nor a window names one. */
export const DEFAULT_DIGEST_TIME_ZONE = 'UTC';
/** A window's weekdays when `days` is left out: Monday–Friday. */
export const DEFAULT_WINDOW_DAYS: readonly number[] = [1, 2, 3, 4, 5];
/** Most targets a campaign may name. */
export const MAX_TARGETS = 50;
const MAX_TARGET_NAME = 200;

const MODES = ['each', 'digest', 'mailto', 'off'] as const;
const REPLY_TO = ['none', 'signer-if-agreed'] as const;
const KNOWN_KEYS = new Set(['mode', 'targets', 'confirm', 'replyTo', 'test', 'testers', 'receipt', 'hourlyCap', 'window', 'digestHour', 'timeZone', 'digestLanguage', 'proofOfWork']);
const DIGEST_KEYS = ['digestHour', 'timeZone', 'digestLanguage'] as const;
/** A BCP 47-ish language tag as the document's letter keys use them (`en`, `kk`, `pt-BR`). */
const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const WINDOW_KEYS = new Set(['timeZone', 'start', 'end', 'days']);
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
/** No control characters, no line or paragraph separators: the name goes into a To header. */
const SINGLE_LINE = /^[^\p{Cc}\u2028\u2029]*$/u;

/**
 * A strict addr-spec for addresses the organiser types: dot-atom local part, a DNS host name
 * with a letter TLD. No display name, quotes, comments, spaces, commas or line breaks, so the
 * value can never name a second recipient or break a header.
 */
const ADDRESS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** True for a bare `local@domain.tld` address of at most 254 characters (RFC 5321's path limit). */
export function isStrictAddress(value: string): boolean {
  if (value.length > 254) return false;
  const at = value.lastIndexOf('@');
  return at > 0 && at <= 64 && ADDRESS.test(value);
}

/** Minutes since midnight of an `HH:MM` string already checked against HH_MM. */
export function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** True if `Intl` knows the zone (throws RangeError for an unknown one). */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Validates `delivery` (pure); errors are keyed like `delivery.targets[0].email`. */
export function parseDeliverySettings(
  value: unknown,
): { ok: true; settings: DeliverySettings } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (value === undefined || value === null) value = {};
  if (!isRecord(value)) return { ok: false, errors: { delivery: 'must be an object' } };

  for (const key of Object.keys(value)) {
    if (!KNOWN_KEYS.has(key)) errors[`delivery.${key}`] = 'unknown setting';
  }

  const targets: Target[] = [];
  if (value.targets !== undefined) {
    if (!Array.isArray(value.targets)) errors['delivery.targets'] = 'must be a list of {name, email}';
    else if (value.targets.length > MAX_TARGETS) errors['delivery.targets'] = `at most ${MAX_TARGETS} targets`;
    else {
      const seen = new Set<string>();
      value.targets.forEach((target: unknown, index) => {
        const key = `delivery.targets[${index}]`;
        if (!isRecord(target)) {
          errors[key] = 'must be an object with name and email';
          return;
        }
        for (const field of Object.keys(target)) {
          if (field !== 'name' && field !== 'email') errors[`${key}.${field}`] = 'unknown field';
        }
        const { name, email } = target;
        if (typeof name !== 'string' || name.trim() === '') errors[`${key}.name`] = 'required';
        else if (name.length > MAX_TARGET_NAME) errors[`${key}.name`] = `at most ${MAX_TARGET_NAME} characters`;
        else if (!SINGLE_LINE.test(name)) errors[`${key}.name`] = 'must be one line without control characters';
        if (typeof email !== 'string' || !isStrictAddress(email)) {
          errors[`${key}.email`] = 'must be a plain address like office@example.org (no name, spaces, commas or line breaks)';
        } else if (seen.has(email.toLowerCase())) {
          errors[`${key}.email`] = 'this address is already a target';
        } else seen.add(email.toLowerCase());
        if (typeof name === 'string' && typeof email === 'string') targets.push({ name: name.trim(), email });
      });
    }
  }

  let mode: DeliverySettings['mode'] = targets.length > 0 ? 'each' : 'off';
  if (value.mode !== undefined) {
    if (typeof value.mode === 'string' && (MODES as readonly string[]).includes(value.mode)) {
      mode = value.mode as DeliverySettings['mode'];
    } else errors['delivery.mode'] = `must be one of ${MODES.join(', ')}`;
  }
  // mailto needs the addresses too: the link carries them (SPEC §9.4).
  if ((mode === 'each' || mode === 'digest' || mode === 'mailto') && targets.length === 0 && !errors['delivery.targets']) {
    errors['delivery.targets'] = `at least one target is needed with mode ${mode}`;
  }

  const boolean = (key: 'confirm' | 'test' | 'receipt' | 'proofOfWork'): boolean => {
    const raw = value[key];
    if (raw === undefined) return false;
    if (typeof raw !== 'boolean') errors[`delivery.${key}`] = 'must be true or false';
    return raw === true;
  };
  const confirm = boolean('confirm');
  const test = boolean('test');
  const receipt = boolean('receipt');
  const proofOfWork = boolean('proofOfWork');
  // A receipt follows single letters: a digest or mailto has no per-signer "sent" to report.
  if (receipt && mode !== 'each' && !errors['delivery.mode']) errors['delivery.receipt'] = `only used with mode each (a receipt reports the signer's own letters; mode ${mode} sends none)`;
  const testers = parseTesters(value.testers, test, errors);

  let replyTo: DeliverySettings['replyTo'] = 'none';
  if (value.replyTo !== undefined) {
    if (typeof value.replyTo === 'string' && (REPLY_TO as readonly string[]).includes(value.replyTo)) {
      replyTo = value.replyTo as DeliverySettings['replyTo'];
    } else errors['delivery.replyTo'] = `must be one of ${REPLY_TO.join(', ')}`;
  }

  let hourlyCap = DEFAULT_HOURLY_CAP;
  if (value.hourlyCap !== undefined) {
    const raw = value.hourlyCap;
    if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 1 && raw <= 10_000) hourlyCap = raw;
    else errors['delivery.hourlyCap'] = 'must be an integer 1–10000';
  }

  let window: SendingWindow | undefined;
  if (value.window !== undefined) window = parseWindow(value.window, errors);

  const digest = parseDigestSettings(value, mode, window, errors);

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const settings: DeliverySettings = { mode, targets, confirm, replyTo, test, hourlyCap };
  if (testers) settings.testers = testers;
  if (receipt) settings.receipt = true;
  if (proofOfWork) settings.proofOfWork = true;
  if (window) settings.window = window;
  Object.assign(settings, digest);
  return { ok: true, settings };
}

/** Most organisers' addresses a test campaign sends to. */
export const MAX_TESTERS = 20;

/** `testers`: required with `test` (1–20 plain addresses), refused without it. */
function parseTesters(value: unknown, test: boolean, errors: Record<string, string>): string[] | undefined {
  if (!test) {
    if (value !== undefined) errors['delivery.testers'] = 'only used with test: true';
    return undefined;
  }
  const problem = 'must list the organisers\' own addresses (1–20 plain addresses) who try the campaign: only their signatures make test letters';
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_TESTERS || !value.every((entry) => typeof entry === 'string' && isStrictAddress(entry))) {
    errors['delivery.testers'] = problem;
    return undefined;
  }
  return value.map((entry: string) => entry.toLowerCase());
}

/** The digest's hour, zone and language, defaults filled in for mode `digest`; none otherwise. */
function parseDigestSettings(
  value: Record<string, unknown>,
  mode: DeliverySettings['mode'],
  window: SendingWindow | undefined,
  errors: Record<string, string>,
): Pick<DeliverySettings, 'digestHour' | 'timeZone' | 'digestLanguage'> {
  if (mode !== 'digest') {
    for (const key of DIGEST_KEYS) if (value[key] !== undefined) errors[`delivery.${key}`] = 'only used with mode digest';
    return {};
  }
  const result: Pick<DeliverySettings, 'digestHour' | 'timeZone' | 'digestLanguage'> = {};
  const { digestHour, timeZone, digestLanguage } = value;
  if (digestHour === undefined) result.digestHour = DEFAULT_DIGEST_HOUR;
  else if (typeof digestHour === 'number' && Number.isInteger(digestHour) && digestHour >= 0 && digestHour <= 23) result.digestHour = digestHour;
  else errors['delivery.digestHour'] = 'must be a whole hour 0–23 (local time in delivery.timeZone)';
  if (timeZone === undefined) result.timeZone = window?.timeZone ?? DEFAULT_DIGEST_TIME_ZONE;
  else if (typeof timeZone !== 'string' || !isTimeZone(timeZone)) errors['delivery.timeZone'] = 'must be an IANA time zone such as Asia/Almaty';
  // One zone per campaign: a digest hour in one zone and a window in another would surprise.
  else if (window && window.timeZone !== timeZone) errors['delivery.timeZone'] = `must be the window's time zone (${window.timeZone}) or left out`;
  else result.timeZone = timeZone;
  if (digestLanguage !== undefined) {
    if (typeof digestLanguage === 'string' && LANGUAGE_TAG.test(digestLanguage)) result.digestLanguage = digestLanguage;
    else errors['delivery.digestLanguage'] = 'must be a language code of the document\'s letter, such as en or kk';
  }
  return result;
}

function parseWindow(raw: unknown, errors: Record<string, string>): SendingWindow | undefined {
  if (!isRecord(raw)) {
    errors['delivery.window'] = 'must be an object {timeZone, start, end, days?}';
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (!WINDOW_KEYS.has(key)) errors[`delivery.window.${key}`] = 'unknown setting';
  }
  const { timeZone, start, end, days } = raw;
  let ok = true;
  if (typeof timeZone !== 'string' || !isTimeZone(timeZone)) {
    errors['delivery.window.timeZone'] = 'must be an IANA time zone such as Asia/Almaty';
    ok = false;
  }
  for (const [key, hhmm] of [['start', start], ['end', end]] as const) {
    if (typeof hhmm !== 'string' || !HH_MM.test(hhmm) || (key === 'start' && hhmm === '24:00')) {
      errors[`delivery.window.${key}`] = 'must be a time HH:MM (00:00–23:59; end may be 24:00)';
      ok = false;
    }
  }
  if (ok && minutesOf(start as string) >= minutesOf(end as string)) {
    errors['delivery.window.end'] = 'must be after start (a window cannot cross midnight)';
    ok = false;
  }
  let dayList: number[] = [...DEFAULT_WINDOW_DAYS];
  if (days !== undefined) {
    if (
      !Array.isArray(days) || days.length === 0 ||
      !days.every((day) => Number.isInteger(day) && day >= 1 && day <= 7)
    ) {
      errors['delivery.window.days'] = 'must be a non-empty list of weekdays 1 (Monday) … 7 (Sunday)';
      ok = false;
    } else dayList = [...new Set(days as number[])].sort((a, b) => a - b);
  }
  return ok ? { timeZone: timeZone as string, start: start as string, end: end as string, days: dayList } : undefined;
}

/** The digest's hour and zone for a campaign's settings, defaults applied. */
export function digestSchedule(settings: DeliverySettings): { hour: number; timeZone: string } {
  return { hour: settings.digestHour ?? DEFAULT_DIGEST_HOUR, timeZone: settings.timeZone ?? settings.window?.timeZone ?? DEFAULT_DIGEST_TIME_ZONE };
}
