import type { FieldSpec } from '../form/fields.js';
import type { ShareChannel } from '../share/share-links.js';
import { parseChoice, parseFields, parseGoal, parseShareChannels, parseUrl, type ConfigProblem } from './attributes.js';

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

/** Reads every attribute; a problem anywhere is reported, and the widget then shows no form. */
export function readConfig(attributes: WidgetAttributes): WidgetConfig {
  const endpoint = parseUrl('endpoint', attributes.endpoint, true);
  const format = parseChoice('format', attributes.format, ['json', 'form'] as const);
  const fields = parseFields(attributes.fields);
  const share = parseShareChannels(attributes.share);
  const goal = parseGoal(attributes.goal);
  const consent = parseChoice('consent', attributes.consent, ['checkbox', 'radio', 'none'] as const);
  return {
    endpoint: endpoint.value,
    format: format.value,
    fields: fields.value,
    share: share.value,
    goal: goal.value,
    consent: consent.value,
    problems: [
      endpoint,
      format,
      fields,
      share,
      goal,
      consent,
      parseUrl('count-url', attributes.countUrl),
      parseUrl('campaign-url', attributes.campaignUrl),
      parseUrl('privacy-url', attributes.privacyUrl),
      parseUrl('share-url', attributes.shareUrl),
    ].flatMap((parsed) => parsed.problems),
  };
}
