import { FIELD_DEFINITIONS, isFieldName, type FieldSpec } from '../form/fields.js';
import { SHARE_CHANNELS, isShareChannel, type ShareChannel } from '../share/share-links.js';

/** A configuration problem, as a message id and its values, shown to the site owner. */
export interface ConfigProblem {
  key: string;
  values?: Record<string, string>;
}

/** A parsed attribute: the value to use, and what was wrong with the attribute if anything. */
export interface Parsed<T> {
  value: T;
  problems: ConfigProblem[];
}

export const DEFAULT_FIELDS = 'first-name*,last-name*,email*,country*';

function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Reads `fields` ("first-name*,email*,comment"); email is always present and required. */
export function parseFields(value: string | undefined): Parsed<FieldSpec[]> {
  const problems: ConfigProblem[] = [];
  const specs: FieldSpec[] = [];
  for (const item of list(value?.trim() ? value : DEFAULT_FIELDS)) {
    const required = item.endsWith('*');
    const name = (required ? item.slice(0, -1) : item).trim().toLowerCase();
    if (!isFieldName(name)) {
      problems.push({ key: 'config.unknownField', values: { value: name } });
      continue;
    }
    if (specs.some((spec) => spec.field === name)) continue;
    specs.push({ ...FIELD_DEFINITIONS[name], field: name, required: required || name === 'email' });
  }
  // Email is the de-duplication key: without it a receiver cannot count anyone once.
  if (!specs.some((spec) => spec.field === 'email')) {
    specs.push({ ...FIELD_DEFINITIONS.email, field: 'email', required: true });
  }
  return { value: specs, problems };
}

/** Reads `share`: known channels in the given order, default all but the opt-in ones. */
export function parseShareChannels(value: string | undefined): Parsed<ShareChannel[]> {
  if (value === undefined) {
    return { value: ['whatsapp', 'facebook', 'x', 'bluesky', 'telegram', 'email', 'copy'], problems: [] };
  }
  const problems: ConfigProblem[] = [];
  const channels: ShareChannel[] = [];
  for (const item of list(value.toLowerCase())) {
    if (!isShareChannel(item)) {
      problems.push({ key: 'config.unknownChannel', values: { value: item, known: SHARE_CHANNELS.join(', ') } });
    } else if (!channels.includes(item)) {
      channels.push(item);
    }
  }
  return { value: channels, problems };
}

/** An absolute http(s) URL for `value` (relative to the page), or undefined. */
export function httpUrl(value: string | undefined | null, base = document.baseURI): URL | undefined {
  if (!value?.trim()) return undefined;
  try {
    const url = new URL(value.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a URL attribute that must be http(s); `required` makes its absence a problem. */
export function parseUrl(
  attribute: string,
  value: string | undefined,
  required = false,
): Parsed<URL | undefined> {
  if (!value?.trim()) {
    return { value: undefined, problems: required ? [{ key: 'config.missing', values: { attribute } }] : [] };
  }
  const url = httpUrl(value);
  return url
    ? { value: url, problems: [] }
    : { value: undefined, problems: [{ key: 'config.notHttpUrl', values: { attribute, value } }] };
}

/** Reads `format`: `json` (default) or `form`. */
export function parseFormat(value: string | undefined): Parsed<'json' | 'form'> {
  const format = value?.trim().toLowerCase() || 'json';
  if (format === 'json' || format === 'form') return { value: format, problems: [] };
  return { value: 'json', problems: [{ key: 'config.badFormat', values: { value: value ?? '' } }] };
}

/** Reads `consent`: `checkbox` (default), `radio` or `none`. */
export function parseConsent(value: string | undefined): Parsed<'checkbox' | 'radio' | 'none'> {
  const mode = value?.trim().toLowerCase() || 'checkbox';
  if (mode === 'checkbox' || mode === 'radio' || mode === 'none') return { value: mode, problems: [] };
  return { value: 'checkbox', problems: [{ key: 'config.badConsent', values: { value: value ?? '' } }] };
}

/** Reads `goal`: a positive whole number, or none. */
export function parseGoal(value: string | undefined): Parsed<number | undefined> {
  if (!value?.trim()) return { value: undefined, problems: [] };
  const goal = Number(value.trim());
  if (Number.isSafeInteger(goal) && goal > 0) return { value: goal, problems: [] };
  return { value: undefined, problems: [{ key: 'config.badGoal', values: { value } }] };
}
