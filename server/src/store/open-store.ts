/** Opens the store the configuration names: PostgreSQL when DATABASE_URL is set, else the SQLite file (DATABASE_PATH). */
import type { Config } from '../config/load-config.ts';
import { MISSING_PARTS, openPostgresStore } from './postgres/postgres-store.ts';
import { openSqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

/** The receiver's store for `config`; rejects (the receiver refuses to start) when it cannot be opened. */
export async function openStore(
  config: Pick<Config, 'databasePath' | 'databaseSynchronous' | 'databaseMaxBytes'> & Partial<Pick<Config, 'databaseUrl' | 'databasePoolSize'>>,
): Promise<Store> {
  if (config.databaseUrl !== undefined) {
    // A store that lacks a part would fail later, request by request; refusing now says why at once.
    if (MISSING_PARTS.length > 0) {
      throw new Error(
        `DATABASE_URL is set, but the PostgreSQL store is not complete yet (missing: ${MISSING_PARTS.join('; ')}); unset DATABASE_URL to use SQLite`,
      );
    }
    return openPostgresStore(config.databaseUrl, { max: config.databasePoolSize });
  }
  return openSqliteStore(config.databasePath, { synchronous: config.databaseSynchronous, maxBytes: config.databaseMaxBytes });
}
