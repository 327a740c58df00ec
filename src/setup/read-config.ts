import { FIELD_DEFINITIONS, isFieldName, type FieldSpec } from '../steps/form/fields.js';
import { SHARE_CHANNELS, isShareChannel, type ShareChannel } from '../steps/thanks/share-links.js';

/** A configuration problem, as a message id and its values, shown to the site owner. */
export interface ConfigProblem {
  key: string;
  values: Record<string, string>;
}

/** The widget's attributes as written by the site owner. */
export interface WidgetAttributes {
  endpoint?: string;
  format?: string;
  fields?: string;
  share?: string;
  goal?: string;
  consent?: string;
  countUrl?: string;
  campaignUrl?: string;
  privacyUrl?: string;
  shareUrl?: string;
  assetsUrl?: string;
}

/** The attributes, read and checked, with every problem found. */
export interface WidgetConfig {
  endpoint: URL | undefined;
  format: 'json' | 'form';
  fields: FieldSpec[];
  share: ShareChannel[];
  goal: number | undefined;
  consent: 'checkbox' | 'radio' | 'none';
  problems: ConfigProblem[];
}

export const DEFAULT_FIELDS = 'first-name*,last-name*,email*,country*';
export const DEFAULT_SHARE = 'whatsapp,facebook,x,bluesky,telegram,email,copy';

/** An absolute http(s) URL for `value` (relative to the page), or undefined. */
export function httpUrl(value: string | undefined | null, base = document.baseURI): URL | undefined {
  try {
    const url = new URL(value?.trim() || 'x:', base);
    return /^https?:$/.test(url.protocol) ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Reads every attribute; a problem anywhere is reported, and the widget then shows no form. */
export function readConfig(attributes: WidgetAttributes): WidgetConfig {
  const problems: ConfigProblem[] = [];
  const bad = (attribute: string, value = '', expected = 'http(s) URL') =>
    problems.push({ key: 'config.badValue', values: { attribute, value, expected } });
  const url = (attribute: string, value: string | undefined, required = false) => {
    const parsed = httpUrl(value);
    if (!parsed && value?.trim()) bad(attribute, value);
    else if (!parsed && required) problems.push({ key: 'config.missing', values: { attribute } });
    return parsed;
  };
  const choice = <T extends string>(attribute: string, value: string | undefined, choices: readonly T[]): T => {
    const chosen = (value?.trim().toLowerCase() || choices[0]) as T;
    if (choices.includes(chosen)) return chosen;
    bad(attribute, value, choices.join(', '));
    return choices[0]!;
  };
  const items = (value: string) => [...new Set(value.toLowerCase().split(',').map((item) => item.trim()).filter(Boolean))];

  const fields: FieldSpec[] = [];
  for (const item of items(attributes.fields?.trim() || DEFAULT_FIELDS)) {
    const name = item.replace(/\s*\*$/, '');
    if (!isFieldName(name)) bad('fields', name, Object.keys(FIELD_DEFINITIONS).join(', '));
    // Email is the de-duplication key: it is always required.
    else if (!fields.some((spec) => spec.field === name)) {
      fields.push({ ...FIELD_DEFINITIONS[name], field: name, required: name !== item || name === 'email' });
    }
  }
  // Without email a receiver cannot count anyone once, so it is added when left out.
  if (!fields.some((spec) => spec.field === 'email')) fields.push({ ...FIELD_DEFINITIONS.email, field: 'email', required: true });

  const share = items(attributes.share ?? DEFAULT_SHARE).filter(
    (item): item is ShareChannel => isShareChannel(item) || !bad('share', item, SHARE_CHANNELS.join(', ')),
  );

  const goal = Number(attributes.goal);
  if (attributes.goal?.trim() && !(Number.isSafeInteger(goal) && goal > 0)) bad('goal', attributes.goal, 'whole number above 0');

  const config = {
    endpoint: url('endpoint', attributes.endpoint, true),
    format: choice('format', attributes.format, ['json', 'form'] as const),
    fields,
    share,
    goal: goal > 0 && Number.isSafeInteger(goal) ? goal : undefined,
    consent: choice('consent', attributes.consent, ['checkbox', 'radio', 'none'] as const),
    problems,
  };
  url('count-url', attributes.countUrl);
  url('campaign-url', attributes.campaignUrl);
  url('privacy-url', attributes.privacyUrl);
  url('share-url', attributes.shareUrl);
  url('assets-url', attributes.assetsUrl);
  return config;
}
