/** Campaign tracking on shared URLs: `utm_source=<channel>&utm_medium=share&utm_campaign=<campaign>`. */
import { SIGNATURE_LIMITS } from '../../contract/signature.js';

const UTM_PREFIX = 'utm_';

/** `url` without any `utm_*` parameter (so a signer who came from a share does not re-share its tags). */
export function withoutUtm(url: string): string {
  const parsed = new URL(url);
  for (const key of [...parsed.searchParams.keys()]) {
    if (key.toLowerCase().startsWith(UTM_PREFIX)) parsed.searchParams.delete(key);
  }
  return parsed.href;
}

/** `url` tagged for `channel`: its own query kept, earlier `utm_*` values replaced. */
export function withShareUtm(url: string, channel: string, campaign: string): string {
  const parsed = new URL(withoutUtm(url));
  parsed.searchParams.set('utm_source', channel);
  parsed.searchParams.set('utm_medium', 'share');
  if (campaign) parsed.searchParams.set('utm_campaign', campaign);
  return parsed.href;
}

/**
 * The `utm_source`, `utm_medium` and `utm_campaign` present on `url`, keyed without the prefix, each
 * cut to the receiver's limit: an over-long tag on a link must not stop everyone who follows it from signing.
 */
export function readUtm(url: string): Record<string, string> {
  const utm: Record<string, string> = {};
  const params = new URL(url).searchParams;
  for (const key of ['source', 'medium', 'campaign']) {
    const value = params.get(UTM_PREFIX + key);
    if (value !== null) utm[key] = value.slice(0, SIGNATURE_LIMITS.utm);
  }
  return utm;
}
