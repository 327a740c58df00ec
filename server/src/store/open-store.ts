/** Opens the store the configuration names: today the embedded SQLite file (DATABASE_PATH). */
import type { Config } from '../config/load-config.ts';
import { openSqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

/** The receiver's store for `config`. */
export async function openStore(config: Pick<Config, 'databasePath' | 'databaseSynchronous' | 'databaseMaxBytes'>): Promise<Store> {
  return openSqliteStore(config.databasePath, { synchronous: config.databaseSynchronous, maxBytes: config.databaseMaxBytes });
}
