import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../src/database.ts';
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
    assert.equal(raw.pragma('user_version', { simple: true }), 1);
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
  const { createGroupCommitWriter } = await import('../src/group-commit.ts');
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
