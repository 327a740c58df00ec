/**
 * `npm run organiser -- add|password|remove|list` (SPEC §10), run as the real command on a
 * temporary database; and the development organiser `npm start` makes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parsePasswordHash, verifyPassword } from '../src/accounts/password-hash.ts';
import { newSessionToken } from '../src/accounts/session-cookie.ts';
import { DEV_ORGANISER_EMAIL, ensureDevOrganiser } from '../src/dev/dev-mode.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import { REPO_ROOT, sqliteOnly, startServer, tempDir } from './helpers.ts';
import { cookiePair, login, me } from './support/console.ts';

const CLI = join(REPO_ROOT, 'server/src/cli/organiser-cli.ts');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function organiser(dir: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', DATABASE_PATH: join(dir, 'signatures.sqlite'), ...env },
    }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Every byte of the database's files (main file, WAL, shared memory), as latin1 text to search. */
function databaseBytes(dir: string): string {
  return readdirSync(dir).filter((name) => name.startsWith('signatures.sqlite')).map((name) => readFileSync(join(dir, name)).toString('latin1')).join('\n');
}

async function storedHash(dir: string, email: string): Promise<string | undefined> {
  const store = openSqliteStore(join(dir, 'signatures.sqlite'));
  try {
    return (await store.organisers.find(email))?.passwordHash;
  } finally {
    await store.close();
  }
}

const generatedPassword = (stdout: string) => /^password: (\S+)$/m.exec(stdout)?.[1];

describe('npm run organiser', () => {
  let dir: string;
  before(() => {
    dir = tempDir();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('add prints a generated password once and stores only its hash', async () => {
    const run = await organiser(dir, ['add', '  Alice@Union.EXAMPLE ']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^added alice@union\.example$/m);
    const password = generatedPassword(run.stdout);
    assert.ok(password !== undefined && password.length >= 20, run.stdout);
    assert.match(password, /^[A-Za-z0-9_-]+$/);
    assert.equal(`${run.stdout}${run.stderr}`.split(password).length - 1, 1, 'printed exactly once');
    assert.match(run.stdout, /log in at http:\/\/127\.0\.0\.1:8080\/admin\//);

    const hash = await storedHash(dir, 'alice@union.example');
    assert.ok(hash !== undefined && parsePasswordHash(hash) !== undefined, hash);
    assert.equal(await verifyPassword(password, hash), true);
    assert.equal(await verifyPassword(`${password}x`, hash), false);
    const bytes = databaseBytes(dir);
    assert.ok(bytes.includes(hash), 'the hash is there');
    assert.ok(!bytes.includes(password), 'the password is nowhere in the database files');
    assert.ok(!bytes.includes(Buffer.from(password, 'utf8').toString('base64')), 'nor encoded');
  });

  test('ORGANISER_PASSWORD is taken when set, and not printed', async () => {
    const chosen = 'my own chosen passphrase';
    const run = await organiser(dir, ['add', 'bob@union.example'], { ORGANISER_PASSWORD: chosen });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!`${run.stdout}${run.stderr}`.includes(chosen));
    assert.match(run.stdout, /ORGANISER_PASSWORD/);
    assert.equal(await verifyPassword(chosen, (await storedHash(dir, 'bob@union.example'))!), true);
    assert.ok(!databaseBytes(dir).includes(chosen));
  });

  test('refusals: a second add, a bad address, a short ORGANISER_PASSWORD, no command', async () => {
    const again = await organiser(dir, ['add', 'ALICE@union.example']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already has an account.*organiser -- password/);
    assert.equal(generatedPassword(again.stdout), undefined);

    for (const bad of ['not-an-address', 'two@@union.example', 'a b@union.example', 'nodomain@localhost']) {
      const run = await organiser(dir, ['add', bad]);
      assert.equal(run.code, 1, bad);
      assert.match(run.stderr, /appeal-widget organiser: /);
    }
    const weak = await organiser(dir, ['add', 'carol@union.example'], { ORGANISER_PASSWORD: 'short' });
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /ORGANISER_PASSWORD must be at least 12 characters/);
    const spaced = await organiser(dir, ['add', 'carol@union.example'], { ORGANISER_PASSWORD: ' padded password ' });
    assert.equal(spaced.code, 1);
    assert.match(spaced.stderr, /ORGANISER_PASSWORD must not start or end with a space/);

    for (const args of [[], ['frobnicate'], ['add'], ['remove', 'a@union.example', 'b@union.example']]) {
      const run = await organiser(dir, args);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, /^usage: npm run organiser -- add <email>/);
    }
    assert.equal(await storedHash(dir, 'carol@union.example'), undefined, 'nothing was added');
  });

  test('list names the accounts and nothing secret', async () => {
    const run = await organiser(dir, ['list']);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.deepEqual(lines.map((line) => line.split('\t')[0]), ['alice@union.example', 'bob@union.example']);
    assert.match(lines[0]!, /last login never\t0 session\(s\)$/);
    assert.ok(!run.stdout.includes('scrypt$'));
  });

  test('password sets a new one and ends the sessions; remove ends them too', async () => {
    const path = join(dir, 'signatures.sqlite');
    const openSession = async (email: string) => {
      const store = openSqliteStore(path);
      const { tokenHash } = newSessionToken();
      const account = (await store.organisers.find(email))!;
      await store.organisers.createSession({ tokenHash, organiserId: account.id, now: Date.now(), expiresAt: Date.now() + 60_000 });
      await store.close();
      return tokenHash;
    };
    const sessionExists = async (tokenHash: string) => {
      const store = openSqliteStore(path);
      const found = await store.organisers.findSession(tokenHash);
      await store.close();
      return found !== undefined;
    };

    const oldHash = (await storedHash(dir, 'alice@union.example'))!;
    const session = await openSession('alice@union.example');
    const reset = await organiser(dir, ['password', 'alice@union.example']);
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stdout, /sessions are ended/);
    const password = generatedPassword(reset.stdout)!;
    const newHash = (await storedHash(dir, 'alice@union.example'))!;
    assert.notEqual(newHash, oldHash);
    assert.equal(await verifyPassword(password, newHash), true);
    assert.equal(await sessionExists(session), false);
    assert.ok(!databaseBytes(dir).includes(password));

    assert.equal((await organiser(dir, ['password', 'nobody@union.example'])).code, 1);

    const bobSession = await openSession('bob@union.example');
    const removed = await organiser(dir, ['remove', 'Bob@Union.example']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(await storedHash(dir, 'bob@union.example'), undefined);
    assert.equal(await sessionExists(bobSession), false);
    const twice = await organiser(dir, ['remove', 'bob@union.example']);
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /there is no organiser bob@union\.example/);
  });
});

test('an account the CLI made logs in to a running receiver, and a reset from the CLI ends that session at once', { skip: sqliteOnly('the CLI writes the SQLite file the receiver reads; on PostgreSQL: postgres-accounts.test.ts') }, async () => {
  const dir = tempDir();
  const server = await startServer({ DATABASE_PATH: join(dir, 'signatures.sqlite') });
  try {
    const added = await organiser(dir, ['add', 'dana@union.example']);
    assert.equal(added.code, 0, added.stderr);
    const answer = await login(server.url, 'dana@union.example', generatedPassword(added.stdout)!);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const cookie = cookiePair(answer.setCookies);
    assert.equal((await me(server.url, cookie)).status, 200);
    assert.equal((await organiser(dir, ['password', 'dana@union.example'])).code, 0);
    assert.equal((await me(server.url, cookie)).status, 401);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('the development organiser of npm start', () => {
  test('created with the given password, kept while it is unchanged, reset (ending sessions) when it changes', async () => {
    const dir = tempDir();
    const store = openSqliteStore(join(dir, 'signatures.sqlite'));
    try {
      assert.equal(await ensureDevOrganiser(store, 'first dev password'), 'created');
      const account = (await store.organisers.find(DEV_ORGANISER_EMAIL))!;
      assert.equal(await verifyPassword('first dev password', account.passwordHash), true);
      const { tokenHash } = newSessionToken();
      await store.organisers.createSession({ tokenHash, organiserId: account.id, now: Date.now(), expiresAt: Date.now() + 60_000 });
      assert.equal(await ensureDevOrganiser(store, 'first dev password'), 'kept');
      assert.ok(await store.organisers.findSession(tokenHash), 'an unchanged password keeps the session across restarts');
      assert.equal(await ensureDevOrganiser(store, 'second dev password'), 'password-set');
      assert.equal(await store.organisers.findSession(tokenHash), undefined);
      assert.equal(await verifyPassword('second dev password', (await store.organisers.find(DEV_ORGANISER_EMAIL))!.passwordHash), true);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('start-env gives a fresh random password each start, or ORGANISER_PASSWORD as given', async () => {
    const { startEnvironment } = await import('../../scripts/start-env.mjs');
    const first = startEnvironment({ PORT: '8123' });
    const second = startEnvironment({ PORT: '8123' });
    assert.match(first.organiserPassword, /^[A-Za-z0-9_-]{24}$/);
    assert.notEqual(first.organiserPassword, second.organiserPassword);
    assert.equal(first.env.ORGANISER_PASSWORD, first.organiserPassword);
    assert.match(first.organiserNote, /random/);
    const given = startEnvironment({ PORT: '8123', ORGANISER_PASSWORD: 'kept between starts' });
    assert.equal(given.organiserPassword, 'kept between starts');
    assert.equal(given.env.ORGANISER_PASSWORD, 'kept between starts');
  });
});
