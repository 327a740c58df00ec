import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isStorageFull, openDatabase } from '../src/store/sqlite-database.ts';
import type { SignaturePayload } from '../src/signature-schema.ts';
import { signature, tempDir } from './helpers.ts';

function withDir(run: (dir: string) => void): void {
  const dir = tempDir();
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('two connections (two processes) racing on one id store one row', () => {
  withDir((dir) => {
    const path = join(dir, 'nested', 'folder', 'db.sqlite'); // the folder is created
    const a = openDatabase(path);
    const b = openDatabase(path);
    try {
      const payload = signature({ campaign: 'race' }) as SignaturePayload;
      assert.equal(a.insertSignature(payload, 'json').outcome, 'created');
      assert.deepEqual(b.insertSignature(payload, 'json'), { outcome: 'duplicate-id', count: 1 });
      const sameEmail = { ...(signature({ campaign: 'race' }) as SignaturePayload), signer: { email: ` ${payload.signer.email.toUpperCase()}` } };
      assert.deepEqual(b.insertSignature(sameEmail, 'form'), { outcome: 'duplicate-email', count: 1 });
      assert.equal(a.countSignatures('race'), 1);
    } finally {
      a.close();
      b.close();
    }
  });
});

test('the WAL journal and the configured synchronous level are in force', () => {
  withDir((dir) => {
    const path = join(dir, 'db.sqlite');
    openDatabase(path, { synchronous: 'full' }).close();
    const raw = new Database(path);
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(raw.pragma('user_version', { simple: true }), 12);
    raw.close();
  });
});

test('counts follow deletions (erasure requests) and reopening does not re-migrate', () => {
  withDir((dir) => {
    const path = join(dir, 'db.sqlite');
    const store = openDatabase(path);
    const payloads = [signature({ campaign: 'erase' }), signature({ campaign: 'erase' })] as SignaturePayload[];
    for (const payload of payloads) store.insertSignature(payload, 'json');
    store.close();
    const raw = new Database(path);
    raw.prepare('DELETE FROM signatures WHERE id = ?').run(payloads[0]!.id);
    raw.close();
    const reopened = openDatabase(path);
    try {
      assert.equal(reopened.countSignatures('erase'), 1);
      assert.deepEqual(reopened.listSignatures('erase').map((row) => row.id), [payloads[1]!.id]);
      // The erased signer may sign again.
      assert.equal(reopened.insertSignature({ ...payloads[0]!, id: crypto.randomUUID() }, 'json').outcome, 'created');
      assert.equal(reopened.countSignatures('erase'), 2);
    } finally {
      reopened.close();
    }
  });
});

test('a database from a newer receiver is refused rather than misread', () => {
  withDir((dir) => {
    const path = join(dir, 'db.sqlite');
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    assert.throws(() => openDatabase(path), /newer than this receiver/);
  });
});

test('group commit: one transaction per batch, per-signature outcomes, and isolation when a batch fails', async () => {
  const { createGroupCommitWriter } = await import('../src/store/group-commit.ts');
  const dir = tempDir();
  const store = openDatabase(join(dir, 'db.sqlite'));
  try {
    let batches = 0;
    const counting = { ...store, insertSignatures: (items: Parameters<typeof store.insertSignatures>[0]) => (batches++, store.insertSignatures(items)) };
    const writer = createGroupCommitWriter(counting);
    const payload = signature({ campaign: 'batch' }) as SignaturePayload;
    const results = await Promise.all([
      writer.insert(payload, 'json'),
      writer.insert(payload, 'json'),
      writer.insert(signature({ campaign: 'batch' }) as SignaturePayload, 'json'),
    ]);
    assert.equal(batches, 1);
    assert.deepEqual(results.map((result) => result.outcome), ['created', 'duplicate-id', 'created']);
    assert.equal(results[2]?.count, 2);

    const failing = { ...store, insertSignatures: () => { throw new Error('disk full'); } };
    const fallback = createGroupCommitWriter(failing);
    const [ok, bad] = await Promise.allSettled([
      fallback.insert(signature({ campaign: 'batch' }) as SignaturePayload, 'json'),
      fallback.insert({ ...(signature({ campaign: 'batch' }) as SignaturePayload), signer: null } as unknown as SignaturePayload, 'json'),
    ]);
    assert.equal(ok.status, 'fulfilled');
    assert.equal(bad.status, 'rejected');
    assert.equal(store.countSignatures('batch'), 3);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('migration 2 recomputes email_normalised; old look-alike duplicates are kept, new ones are refused', () => {
  withDir((dir) => {
    const path = join(dir, 'db.sqlite');
    const store = openDatabase(path);
    const first = signature({ campaign: 'legacy' }, { email: 'abc@example.org' }) as SignaturePayload;
    const second = signature({ campaign: 'legacy' }, { email: 'other@example.org' }) as SignaturePayload;
    store.insertSignature(first, 'json');
    store.insertSignature(second, 'json');
    store.close();
    // As a version-1 receiver stored them: the second row is a fullwidth look-alike of the first,
    // with the old normal form (NFC + lower case), so both were accepted then.
    const raw = new Database(path);
    const lookAlike = '\uFF41\uFF42\uFF43@example.org';
    raw.prepare('UPDATE signatures SET email = ?, email_normalised = ? WHERE id = ?').run(lookAlike, lookAlike, second.id);
    raw.exec('DROP TABLE login_attempts'); // added by migration 12
    raw.exec('DROP TABLE quarantined_signatures; DROP TABLE form_token_uses; DROP TABLE receiver_secrets'); // added by migration 11
    raw.exec('DROP INDEX signatures_by_received; DROP INDEX signatures_consenting'); // added by migration 10 (its letters index goes with the table)
    raw.exec('DROP TABLE console_log; DROP TABLE organiser_sessions; DROP TABLE organisers'); // added by migration 9
    raw.exec('DROP TABLE receipts'); // added by migration 8
    raw.exec('DROP TABLE confirmations; ALTER TABLE signatures DROP COLUMN consent_reply_to; ALTER TABLE signatures DROP COLUMN consent_reply_to_text'); // added by migration 6
    raw.exec('DROP TABLE digest_entries; DROP TABLE digests'); // added by migration 5
    raw.exec('DROP TABLE letters; DROP TABLE campaigns'); // added by migration 4
    raw.exec('ALTER TABLE campaign_counts DROP COLUMN repeats'); // added by migration 3
    raw.pragma('user_version = 1');
    raw.close();

    const reopened = openDatabase(path);
    try {
      assert.equal(reopened.countSignatures('legacy'), 2, 'both signatures stay counted');
      assert.equal(reopened.listSignatures('legacy').length, 2);
      const check = new Database(path, { readonly: true });
      assert.equal(check.pragma('user_version', { simple: true }), 12);
      const normals = check.prepare('SELECT email_normalised FROM signatures ORDER BY seq').all() as { email_normalised: string }[];
      check.close();
      assert.deepEqual(normals.map((row) => row.email_normalised), ['abc@example.org', 'abc@example.org duplicate-of-seq-1']);
      // A new signature of that mailbox, in any of its forms, is a duplicate of the first.
      const again = { ...(signature({ campaign: 'legacy' }) as SignaturePayload), signer: { email: '\uFF21BC@EXAMPLE.ORG' } };
      assert.equal(reopened.insertSignature(again, 'json').outcome, 'duplicate-email');
    } finally {
      reopened.close();
    }
  });
});

test('a capped database fails with SQLITE_FULL, recognised as storage full', () => {
  withDir((dir) => {
    // The empty schema takes about 208 KiB (52 pages of 4 KiB: the tables and indexes of signatures,
    // campaigns, letters, digests, receipts, organisers and the quarantine); the cap leaves room for a few signatures.
    const store = openDatabase(join(dir, 'db.sqlite'), { maxBytes: 228 * 1024 });
    try {
      let error: unknown;
      for (let index = 0; index < 200 && error === undefined; index++) {
        try {
          store.insertSignature(signature({ campaign: 'cap', message: { subject: 's', body: 'x'.repeat(4000) } }) as SignaturePayload, 'json');
        } catch (caught) {
          error = caught;
        }
      }
      assert.ok(error, 'the cap was never reached');
      assert.equal((error as { code?: string }).code, 'SQLITE_FULL');
      assert.ok(isStorageFull(error));
      assert.ok(!isStorageFull(new Error('other')));
      assert.ok(store.countSignatures('cap') > 0);
    } finally {
      store.close();
    }
  });
});

test('a repeated address costs a durable commit like a new signature (no faster answer to time)', () => {
  withDir((dir) => {
    const path = join(dir, 'db.sqlite');
    const store = openDatabase(path);
    try {
      const first = signature({ campaign: 'timing' }) as SignaturePayload;
      store.insertSignature(first, 'json');
      const walBefore = statSync(`${path}-wal`).size;
      const again = { ...(signature({ campaign: 'timing' }) as SignaturePayload), signer: { email: first.signer.email } };
      assert.equal(store.insertSignature(again, 'json').outcome, 'duplicate-email');
      assert.ok(statSync(`${path}-wal`).size > walBefore, 'the duplicate wrote (and so fsynced) a WAL frame');
      assert.equal(store.countSignatures('timing'), 1);
    } finally {
      store.close();
    }
  });
});
