/**
 * Campaigns for tests. The receiver only takes signatures for campaigns it holds (SPEC §8), so a
 * test server is seeded with the campaigns its tests sign, through the real store.
 */
import type { DeliverySettings } from '../../src/letters/letter-types.ts';
import type { Store } from '../../src/store/store.ts';

/** Every campaign id the server tests sign, open and without letters. */
export const TEST_CAMPAIGNS = [
  'batch', 'big-form', 'bobby', 'c', 'calc', 'campaign-a', 'campaign-b', 'campaign-form', 'cap', 'concurrent',
  'cors-form', 'dedupe', 'dedupe-fresh', 'dedupe-other', 'durable', 'erase', 'export', 'forgery', 'form-campaign',
  'form-errors', 'formulas', 'free-baltabay', 'full', 'fuzz', 'fuzz-b', 'fuzz-form', 'legacy', 'nobody-signed', 'paged',
  'race', 'retry-campaign', 'three', 'timing', 'two-emails', 'widget-contract', 'x',
];

/** A minimal public document (SPEC §5) for campaign `id`. */
export function testDocument(id: string): Record<string, unknown> {
  return { id, texts: { en: { title: `Test campaign ${id}` } } };
}

/** Creates (or replaces) each campaign, open, with `delivery` (default: no letters). */
export async function seedCampaigns(
  store: Pick<Store, 'putCampaign'>,
  ids: readonly string[] = TEST_CAMPAIGNS,
  delivery: Partial<DeliverySettings> = {},
): Promise<void> {
  const settings: DeliverySettings = { mode: 'off', targets: [], confirm: false, replyTo: 'none', test: false, hourlyCap: 30, ...delivery };
  for (const id of ids) await store.putCampaign(id, { document: testDocument(id), status: 'open', delivery: settings });
}
