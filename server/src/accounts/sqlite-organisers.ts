/**
 * Organiser accounts, their console sessions and the console's audit log, on the receiver's
 * SQLite connection (the `organisers` part of the Store).
 *
 * A session row holds the SHA-256 of its token, never the token: a copy of the database file
 * opens no session. Removing an account ends its sessions (ON DELETE CASCADE), and so does a new
 * password (same transaction).
 */
import type Database from 'better-sqlite3';
import type { LoginSlot, LoginSlotsTaken, LoginWindow } from './login-limiter.ts';
import type { ConsoleLogEntry, OrganiserAccount, OrganiserSession, OrganiserStore, OrganiserSummary } from './organisers.ts';

/** Migration SQL: the three tables of the console's accounts (SPEC §10). */
export const ORGANISERS_SCHEMA = `
  CREATE TABLE organisers (
    id                  INTEGER PRIMARY KEY,
    email               TEXT NOT NULL UNIQUE,
    password_hash       TEXT NOT NULL,
    created_at          INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL,
    last_login_at       INTEGER
  ) STRICT;

  CREATE TABLE organiser_sessions (
    token_hash   TEXT PRIMARY KEY,
    organiser_id INTEGER NOT NULL REFERENCES organisers (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;

  CREATE INDEX organiser_sessions_by_organiser ON organiser_sessions (organiser_id);

  CREATE TABLE console_log (
    seq         INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    campaign    TEXT,
    detail_json TEXT
  ) STRICT;
`;

/**
 * Migration SQL (step 11): the console's login limits, one fixed window per kind and key hash
 * (login-limiter.ts), so a restart no longer hands a guesser a fresh set of tries. Ended windows
 * are swept at each attempt (`login_attempts_ended`).
 */
export const LOGIN_ATTEMPTS_SCHEMA = `
  CREATE TABLE login_attempts (
    kind     TEXT NOT NULL CHECK (kind IN ('address', 'account')),
    key_hash TEXT NOT NULL,
    count    INTEGER NOT NULL,
    reset_at INTEGER NOT NULL,
    PRIMARY KEY (kind, key_hash)
  ) STRICT, WITHOUT ROWID;

  CREATE INDEX login_attempts_ended ON login_attempts (reset_at);
`;

interface OrganiserRow {
  id: number;
  email: string;
  password_hash: string;
  created_at: number;
  last_login_at: number | null;
}

/** The organisers part of the Store, on `db` (already migrated). */
export function createSqliteOrganisers(db: Database.Database): OrganiserStore {
  const insert = db.prepare<[string, string, number, number]>(
    `INSERT INTO organisers (email, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (email) DO NOTHING`,
  );
  const byEmail = db.prepare<[string], OrganiserRow>(
    'SELECT id, email, password_hash, created_at, last_login_at FROM organisers WHERE email = ?',
  );
  const all = db.prepare<[number], { email: string; created_at: number; last_login_at: number | null; sessions: number }>(
    `SELECT o.email, o.created_at, o.last_login_at,
       (SELECT count(*) FROM organiser_sessions s WHERE s.organiser_id = o.id AND s.expires_at > ?) AS sessions
     FROM organisers o ORDER BY o.email`,
  );
  const remove = db.prepare<[string]>('DELETE FROM organisers WHERE email = ?');
  const updatePassword = db.prepare<[string, number, string]>('UPDATE organisers SET password_hash = ?, password_changed_at = ? WHERE email = ?');
  const endSessionsOf = db.prepare<[string]>('DELETE FROM organiser_sessions WHERE organiser_id = (SELECT id FROM organisers WHERE email = ?)');
  const insertSession = db.prepare<[string, number, number, number, number]>(
    'INSERT INTO organiser_sessions (token_hash, organiser_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)',
  );
  const markLogin = db.prepare<[number, number]>('UPDATE organisers SET last_login_at = ? WHERE id = ?');
  const session = db.prepare<[string], { organiser_id: number; email: string; created_at: number; last_seen_at: number; expires_at: number }>(
    `SELECT s.organiser_id, o.email, s.created_at, s.last_seen_at, s.expires_at
     FROM organiser_sessions s JOIN organisers o ON o.id = s.organiser_id WHERE s.token_hash = ?`,
  );
  const touch = db.prepare<[number, string]>('UPDATE organiser_sessions SET last_seen_at = ? WHERE token_hash = ?');
  const endSession = db.prepare<[string]>('DELETE FROM organiser_sessions WHERE token_hash = ?');
  const endStale = db.prepare<[number, number]>('DELETE FROM organiser_sessions WHERE expires_at <= ? OR last_seen_at <= ?');
  const appendLog = db.prepare<[number, string, string, string | null, string | null]>(
    'INSERT INTO console_log (at, actor, action, campaign, detail_json) VALUES (?, ?, ?, ?, ?)',
  );

  const sweepAttempts = db.prepare<[number]>('DELETE FROM login_attempts WHERE reset_at <= ?');
  const attemptWindow = db.prepare<[string, string], { count: number; reset_at: number }>(
    'SELECT count, reset_at FROM login_attempts WHERE kind = ? AND key_hash = ?',
  );
  const takeSlot = db.prepare<[string, string, number]>(
    `INSERT INTO login_attempts (kind, key_hash, count, reset_at) VALUES (?, ?, 1, ?)
     ON CONFLICT (kind, key_hash) DO UPDATE SET count = count + 1`,
  );
  const giveSlot = db.prepare<[string, string, number]>(
    'UPDATE login_attempts SET count = count - 1 WHERE kind = ? AND key_hash = ? AND reset_at = ? AND count > 0',
  );
  // One immediate transaction: the check and the take cannot be split by another connection's attempt.
  const takeSlots = db.transaction((windows: readonly LoginWindow[], now: number): LoginSlotsTaken => {
    sweepAttempts.run(now);
    const open = windows.map((window) => ({ window, current: attemptWindow.get(window.kind, window.keyHash) }));
    for (const { window, current } of open) {
      if (current !== undefined && current.count >= window.max) return { ok: false, kind: window.kind, resetAt: current.reset_at };
    }
    return {
      ok: true,
      slots: open.map(({ window, current }): LoginSlot => {
        const resetAt = current?.reset_at ?? now + window.windowMs;
        takeSlot.run(window.kind, window.keyHash, resetAt);
        return { kind: window.kind, keyHash: window.keyHash, resetAt };
      }),
    };
  });
  const giveSlots = db.transaction((slots: readonly LoginSlot[]) => {
    for (const slot of slots) giveSlot.run(slot.kind, slot.keyHash, slot.resetAt);
  });

  const setPassword = db.transaction((email: string, passwordHash: string, now: number): boolean => {
    if (updatePassword.run(passwordHash, now, email).changes !== 1) return false;
    endSessionsOf.run(email);
    return true;
  });
  const createSession = db.transaction((tokenHash: string, organiserId: number, now: number, expiresAt: number) => {
    insertSession.run(tokenHash, organiserId, now, now, expiresAt);
    markLogin.run(now, organiserId);
  });

  return {
    async add(email, passwordHash, now) {
      return insert.run(email, passwordHash, now, now).changes === 1 ? 'created' : 'exists';
    },
    async find(email) {
      const row = byEmail.get(email);
      return row && ({
        id: row.id, email: row.email, passwordHash: row.password_hash, createdAt: row.created_at, lastLoginAt: row.last_login_at,
      } satisfies OrganiserAccount);
    },
    async list(now) {
      return all.all(now).map((row): OrganiserSummary => ({
        email: row.email, createdAt: row.created_at, lastLoginAt: row.last_login_at, sessions: row.sessions,
      }));
    },
    async remove(email) {
      return remove.run(email).changes === 1;
    },
    async setPassword(email, passwordHash, now) {
      return setPassword.immediate(email, passwordHash, now);
    },
    async createSession({ tokenHash, organiserId, now, expiresAt }) {
      createSession.immediate(tokenHash, organiserId, now, expiresAt);
    },
    async findSession(tokenHash) {
      const row = session.get(tokenHash);
      return row && ({
        organiserId: row.organiser_id, email: row.email, createdAt: row.created_at, lastSeenAt: row.last_seen_at, expiresAt: row.expires_at,
      } satisfies OrganiserSession);
    },
    async touchSession(tokenHash, now) {
      touch.run(now, tokenHash);
    },
    async endSession(tokenHash) {
      return endSession.run(tokenHash).changes === 1;
    },
    async endStaleSessions(now, idleSince) {
      return endStale.run(now, idleSince).changes;
    },
    async takeLoginSlots(windows, now) {
      return takeSlots.immediate(windows, now);
    },
    async giveLoginSlots(slots) {
      giveSlots.immediate(slots);
    },
    async log(entry: ConsoleLogEntry) {
      appendLog.run(entry.at, entry.actor, entry.action, entry.campaign ?? null, entry.detail === undefined ? null : JSON.stringify(entry.detail));
    },
  };
}
