/**
 * Organiser accounts, their console sessions, the console's audit log and its login limits on
 * PostgreSQL: the `organisers` part of the Store, as accounts/sqlite-organisers.ts does it on
 * SQLite. Sessions are found by the SHA-256 of their token; removing an account ends its
 * sessions (ON DELETE CASCADE), and a new password ends them in the same transaction.
 *
 * Several receivers share these rows: a session made on one is valid on all, a logout or a new
 * password on one ends it everywhere at once, and the login limits count every receiver's
 * attempts (the check and the take happen under the windows' row locks).
 */
import type pg from 'pg';
import type { LoginSlot, LoginSlotsTaken } from '../../accounts/login-limiter.ts';
import type { OrganiserAccount, OrganiserSession, OrganiserStore, OrganiserSummary } from '../../accounts/organisers.ts';
import { withRetries } from './pool.ts';

interface OrganiserRow {
  id: number;
  email: string;
  password_hash: string;
  created_at: number;
  last_login_at: number | null;
}

interface SessionRow {
  organiser_id: number;
  email: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

/** The organisers part of the Store on `pool` (already migrated). */
export function createPostgresOrganisers(pool: pg.Pool): OrganiserStore {
  return {
    async add(email, passwordHash, now) {
      const result = await pool.query(
        `INSERT INTO organisers (email, password_hash, created_at, password_changed_at) VALUES ($1, $2, $3, $3)
         ON CONFLICT (email) DO NOTHING`,
        [email, passwordHash, now],
      );
      return result.rowCount === 1 ? 'created' : 'exists';
    },
    async find(email) {
      const { rows } = await pool.query<OrganiserRow>(
        'SELECT id, email, password_hash, created_at, last_login_at FROM organisers WHERE email = $1',
        [email],
      );
      const row = rows[0];
      return row && ({
        id: row.id, email: row.email, passwordHash: row.password_hash, createdAt: row.created_at, lastLoginAt: row.last_login_at,
      } satisfies OrganiserAccount);
    },
    async list(now) {
      // COLLATE "C": the byte order SQLite's list has, whatever the database's collation.
      const { rows } = await pool.query<{ email: string; created_at: number; last_login_at: number | null; sessions: number }>(
        `SELECT o.email, o.created_at, o.last_login_at,
           (SELECT count(*) FROM organiser_sessions s WHERE s.organiser_id = o.id AND s.expires_at > $1) AS sessions
         FROM organisers o ORDER BY o.email COLLATE "C"`,
        [now],
      );
      return rows.map((row): OrganiserSummary => ({
        email: row.email, createdAt: row.created_at, lastLoginAt: row.last_login_at, sessions: row.sessions,
      }));
    },
    async remove(email) {
      return (await pool.query('DELETE FROM organisers WHERE email = $1', [email])).rowCount === 1;
    },
    async setPassword(email, passwordHash, now) {
      return withRetries(pool, async (client) => {
        const { rows } = await client.query<{ id: number }>(
          'UPDATE organisers SET password_hash = $1, password_changed_at = $2 WHERE email = $3 RETURNING id',
          [passwordHash, now, email],
        );
        const id = rows[0]?.id;
        if (id === undefined) return false;
        await client.query('DELETE FROM organiser_sessions WHERE organiser_id = $1', [id]);
        return true;
      });
    },
    async createSession({ tokenHash, organiserId, now, expiresAt }) {
      await withRetries(pool, async (client) => {
        await client.query(
          'INSERT INTO organiser_sessions (token_hash, organiser_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)',
          [tokenHash, organiserId, now, expiresAt],
        );
        await client.query('UPDATE organisers SET last_login_at = $1 WHERE id = $2', [now, organiserId]);
      });
    },
    async findSession(tokenHash) {
      const { rows } = await pool.query<SessionRow>(
        `SELECT s.organiser_id, o.email, s.created_at, s.last_seen_at, s.expires_at
         FROM organiser_sessions s JOIN organisers o ON o.id = s.organiser_id WHERE s.token_hash = $1`,
        [tokenHash],
      );
      const row = rows[0];
      return row && ({
        organiserId: row.organiser_id, email: row.email, createdAt: row.created_at, lastSeenAt: row.last_seen_at, expiresAt: row.expires_at,
      } satisfies OrganiserSession);
    },
    async touchSession(tokenHash, now) {
      await pool.query('UPDATE organiser_sessions SET last_seen_at = $1 WHERE token_hash = $2', [now, tokenHash]);
    },
    async endSession(tokenHash) {
      return (await pool.query('DELETE FROM organiser_sessions WHERE token_hash = $1', [tokenHash])).rowCount === 1;
    },
    async endStaleSessions(now, idleSince) {
      return (await pool.query('DELETE FROM organiser_sessions WHERE expires_at <= $1 OR last_seen_at <= $2', [now, idleSince])).rowCount ?? 0;
    },
    async log(entry) {
      await pool.query(
        'INSERT INTO console_log (at, actor, action, campaign, detail_json) VALUES ($1, $2, $3, $4, $5)',
        [entry.at, entry.actor, entry.action, entry.campaign ?? null, entry.detail === undefined ? null : JSON.stringify(entry.detail)],
      );
    },

    async takeLoginSlots(windows, now) {
      // Ended windows go first, outside the transaction below: best effort, and it never waits on
      // the rows another receiver's attempt holds (SKIP LOCKED).
      await pool.query(
        `DELETE FROM login_attempts WHERE (kind, key_hash) IN
           (SELECT kind, key_hash FROM login_attempts WHERE reset_at <= $1 FOR UPDATE SKIP LOCKED)`,
        [now],
      );
      return withRetries(pool, async (client): Promise<LoginSlotsTaken> => {
        // Each window's row is created (or restarted when it has ended) and locked, in the order
        // asked, which is the same for every attempt (address, then account): two receivers'
        // attempts on the same windows queue behind each other instead of both reading "not full".
        const locked: { count: number; reset_at: number }[] = [];
        for (const window of windows) {
          const { rows } = await client.query<{ count: number; reset_at: number }>(
            `INSERT INTO login_attempts AS w (kind, key_hash, count, reset_at) VALUES ($1, $2, 0, $3::bigint + $4::bigint)
             ON CONFLICT (kind, key_hash) DO UPDATE SET
               count = CASE WHEN w.reset_at <= $3 THEN 0 ELSE w.count END,
               reset_at = CASE WHEN w.reset_at <= $3 THEN excluded.reset_at ELSE w.reset_at END
             RETURNING count, reset_at`,
            [window.kind, window.keyHash, now, window.windowMs],
          );
          locked.push(rows[0]!);
        }
        for (const [index, window] of windows.entries()) {
          if (locked[index]!.count >= window.max) return { ok: false, kind: window.kind, resetAt: locked[index]!.reset_at };
        }
        const slots: LoginSlot[] = windows.map((window, index) => ({ kind: window.kind, keyHash: window.keyHash, resetAt: locked[index]!.reset_at }));
        for (const slot of slots) {
          await client.query('UPDATE login_attempts SET count = count + 1 WHERE kind = $1 AND key_hash = $2', [slot.kind, slot.keyHash]);
        }
        return { ok: true, slots };
      });
    },
    async giveLoginSlots(slots) {
      for (const slot of slots) {
        await pool.query(
          'UPDATE login_attempts SET count = count - 1 WHERE kind = $1 AND key_hash = $2 AND reset_at = $3 AND count > 0',
          [slot.kind, slot.keyHash, slot.resetAt],
        );
      }
    },
  };
}
