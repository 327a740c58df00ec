/**
 * What the receiver's plugins share: one store, one configuration, one campaign cache, one
 * letter worker and one clock, decorated on the root instance. Decorators pass down into every
 * child scope, so the route plugins read them from their own instance instead of from options.
 */
import type { FastifyInstance } from 'fastify';
import type { BotChecks } from './bots/bot-checks.ts';
import type { CampaignCache } from './campaigns/campaign-cache.ts';
import type { Config } from './config/load-config.ts';
import type { LetterWorker } from './letters/letter-worker.ts';
import type { Store } from './store/store.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Signatures, campaigns and letters (SQLite, or the store a test passed). */
    signatureStore: Store;
    /** The worker that sends letters; undefined without SMTP_URL. */
    letterWorker: LetterWorker | undefined;
    /** The configuration the receiver was built with. */
    receiverConfig: Config;
    /** Campaigns as the signature route reads them (kept for a second). */
    campaignCache: CampaignCache;
    /** The clock letters are recorded and sent by, so a test that moves it sees digests close. */
    letterClock: () => number;
    /** Form tokens, the honeypot and the per-campaign rate (bots/bot-checks.ts). */
    botChecks: BotChecks;
  }
}

/** The shared dependencies, as `buildApp` hands them over. */
export interface ReceiverDependencies {
  config: Config;
  store: Store;
  campaigns: CampaignCache;
  worker: LetterWorker | undefined;
  now: () => number;
  bots: BotChecks;
}

/** Decorates the root instance with `dependencies` (before any plugin loads). */
export function decorateDependencies(app: FastifyInstance, dependencies: ReceiverDependencies): void {
  app.decorate('receiverConfig', dependencies.config);
  app.decorate('signatureStore', dependencies.store);
  app.decorate('campaignCache', dependencies.campaigns);
  app.decorate('letterWorker', dependencies.worker);
  app.decorate('letterClock', dependencies.now);
  app.decorate('botChecks', dependencies.bots);
}
