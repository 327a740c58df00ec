import { FIELD_DEFINITIONS, isFieldName, type FieldSpec } from '../form/fields.js';
import { SHARE_CHANNELS, isShareChannel, type ShareChannel } from '../share/share-links.js';

/** A configuration problem, as a message id and its values, shown to the site owner. */
export interface ConfigProblem {
  key: string;
  values: Record<string, string>;
}

/** A parsed attribute: the value to use, and what was wrong with the attribute if anything. */
export interface Parsed<T> {
  value: T;
  problems: ConfigProblem[];
}

export const DEFAULT_FIELDS = 'first-name*,last-name*,email*,country*';
export const DEFAULT_SHARE = 'whatsapp,facebook,x,bluesky,telegram,email,copy';

const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);

const badValue = (attribute: string, value: string, expected: string): ConfigProblem => ({
  key: 'config.badValue',
  values: { attribute, value, expected },
});

/** Reads `fields` ("first-name*,email*,comment"); email is always present and required. */
export function parseFields(value: string | undefined): Parsed<FieldSpec[]> {
  const problems: ConfigProblem[] = [];
  const specs: FieldSpec[] = [];
  for (const item of list(value?.trim() ? value : DEFAULT_FIELDS)) {
    const required = item.endsWith('*');
    const name = required ? item.slice(0, -1).trim() : item;
    if (!isFieldName(name)) problems.push(badValue('fields', name, Object.keys(FIELD_DEFINITIONS).join(', ')));
    else if (!specs.some((spec) => spec.field === name)) {
      specs.push({ ...FIELD_DEFINITIONS[name], field: name, required: required || name === 'email' });
    }
  }
  // Email is the de-duplication key: without it a receiver cannot count anyone once.
  if (!specs.some((spec) => spec.field === 'email')) {
    specs.push({ ...FIELD_DEFINITIONS.email, field: 'email', required: true });
  }
  return { value: specs, problems };
}

/** Reads `share`: known channels in the given order. */
export function parseShareChannels(value: string | undefined): Parsed<ShareChannel[]> {
  const problems: ConfigProblem[] = [];
  const channels: ShareChannel[] = [];
  for (const item of list(value ?? DEFAULT_SHARE)) {
    if (!isShareChannel(item)) problems.push(badValue('share', item, SHARE_CHANNELS.join(', ')));
    else if (!channels.includes(item)) channels.push(item);
  }
  return { value: channels, problems };
}

/** An absolute http(s) URL for `value` (relative to the page), or undefined. */
export function httpUrl(value: string | undefined | null, base = document.baseURI): URL | undefined {
  try {
    const url = new URL(value?.trim() || 'x:', base);
    return /^https?:$/.test(url.protocol) ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a URL attribute that must be http(s); `required` makes its absence a problem. */
export function parseUrl(attribute: string, value: string | undefined, required = false): Parsed<URL | undefined> {
  const url = httpUrl(value);
  const problems =
    url || (!value?.trim() && !required)
      ? []
      : [value?.trim() ? badValue(attribute, value, 'http(s) URL') : { key: 'config.missing', values: { attribute } }];
  return { value: url, problems };
}

/** Reads an attribute that takes one of `choices`; the first is the default. */
export function parseChoice<T extends string>(attribute: string, value: string | undefined, choices: readonly T[]): Parsed<T> {
  const choice = (value?.trim().toLowerCase() || choices[0]) as T;
  return choices.includes(choice)
    ? { value: choice, problems: [] }
    : { value: choices[0]!, problems: [badValue(attribute, value ?? '', choices.join(', '))] };
}

/** Reads `goal`: a positive whole number, or none. */
export function parseGoal(value: string | undefined): Parsed<number | undefined> {
  const goal = Number(value);
  if (!value?.trim()) return { value: undefined, problems: [] };
  return Number.isSafeInteger(goal) && goal > 0
    ? { value: goal, problems: [] }
    : { value: undefined, problems: [badValue('goal', value, 'whole number above 0')] };
}
