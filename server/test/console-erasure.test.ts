/**
 * Erasing a signer from the console (SPEC §10, issue 15): a real receiver with its real SQLite
 * file and letter worker sending to a real SMTP sink. One person signs four campaigns (letters
 * sent with a Reply-To and a receipt; a letter held for confirmation, its confirmation email
 * sent; an entry in a sent digest; no letters), others sign beside them; then the person is
 * anonymised and a fake signer deleted, and the bytes of the `.sqlite` and `-wal` files are
 * searched for every spelling of them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { domainToASCII } from 'node:url';
import Database from 'better-sqlite3';
import { pageWithoutQuery } from '../src/store/sqlite-erasure.ts';
import { csvRecords, getCsv, postJson, signature } from './helpers.ts';
import { admin, putCampaign, campaignBody, TARGETS, until } from './support/admin.ts';
import { addOrganiser, cookiePair, login, ORGANISER, PASSWORD } from './support/console.ts';
import { startMailReceiver, type MailReceiver } from './support/mail-receiver.ts';

/** PUBLIC_URL: the console takes changes only from this origin (and confirm campaigns need it). */
const PUBLIC = 'https://receiver.example';
const EVIL = 'https://evil.example';

const EACH = 'erase-each';
const CONFIRM = 'erase-confirm';
const DIGEST = 'erase-digest';
const PLAIN = 'erase-plain';
const CAMPAIGNS = [EACH, CONFIRM, DIGEST, PLAIN];

/** The person who asks to be forgotten: an IDN domain, so raw, lower-case and normal (punycode) forms all differ. */
const PERSON = 'Zhanargul.Target@Пример.РФ';
const PERSON_LOWER = 'zhanargul.target@пример.рф';
const PERSON_NORMAL = `zhanargul.target@${domainToASCII('пример.рф')}`;
/** Everything else that names or reaches them, each unique in the database. */
const PERSON_TRACES = [
  PERSON, PERSON_LOWER, PERSON_NORMAL, 'zhanargul.target', 'Zhanargul', 'Targetova', 'QX9 7ZZ', '+77015550199',
  'Yurtmakers Guild of Shymkent', 'ZebraComment', 'QuokkaSubject', 'QuokkaPersonalWords', 'ZTTRACK777', 'webmail.example',
  'ZTTERM', 'ZTCONTENT',
];
/** The fake signer an organiser deletes. */
const FAKE = 'Fake.Signer@Bots.example';
const FAKE_TRACES = [FAKE, FAKE.toLowerCase(), 'Fakeson', 'BotWords'];
/** Other signers, who must come out untouched. */
const OTHERS = ['other.one@example.net', 'other.two@example.net'];

function personPayload(campaign: string, email: string) {
  return signature(
    {
      campaign,
      locale: 'en',
      consent: { updates: true, text: 'Keep me informed.', replyTo: true, replyToText: 'The target may answer me.' },
      message: { subject: 'QuokkaSubject: free him', body: 'Dear Prosecutor,\n\nQuokkaPersonalWords from my own heart.' },
      source: {
        url: 'https://union.example/appeal?utm_source=newsletter&utm_medium=email&mc_eid=ZTTRACK777',
        referrer: 'https://webmail.example/inbox?user=zhanargul',
        utm: { source: 'newsletter', medium: 'email', campaign: 'spring', term: 'ZTTERM', content: 'ZTCONTENT' },
      },
    },
    {
      firstName: 'Zhanargul', lastName: 'Targetova', email, country: 'KZ', postcode: 'QX9 7ZZ', phone: '+77015550199',
      organisation: 'Yurtmakers Guild of Shymkent', comment: 'ZebraComment: count me in',
    },
  );
}

const otherPayload = (campaign: string, email: string) =>
  signature({ campaign, locale: 'en', consent: { updates: true, text: 'Keep me informed.', replyTo: true, replyToText: 'Yes.' } }, { firstName: 'Other', lastName: 'Person', email });

const fakePayload = (campaign: string) =>
  signature({ campaign, locale: 'en', message: { subject: 'BotWords', body: 'BotWords BotWords' } }, { firstName: 'Botty', lastName: 'Fakeson', email: FAKE });

/** ASCII lower case of `bytes` (SQLite's own lower(): enough to find an address whatever its case). */
function asciiLower(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  for (let index = 0; index < copy.length; index++) if (copy[index]! >= 0x41 && copy[index]! <= 0x5a) copy[index]! += 0x20;
  return copy;
}

/** Which of `needles` the bytes of `path` hold, as written or lower-cased (a missing file holds nothing). */
function tracesIn(path: string, needles: readonly string[]): string[] {
  if (!existsSync(path)) return [];
  const bytes = readFileSync(path);
  const lower = asciiLower(bytes);
  return needles.filter((needle) => bytes.includes(Buffer.from(needle)) || lower.includes(Buffer.from(needle.toLowerCase())));
}

describe('erasing a signer from the console', () => {
  let context: MailReceiver;
  let url: string;
  let dbPath: string;
  let cookie: string;
  let othersBefore: Record<string, Record<string, string>[]>;

  const countOf = async (campaign: string) => ((await (await fetch(`${url}/api/campaigns/${campaign}/count`)).json()) as { count: number }).count;
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}, withCookie = true) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: PUBLIC, ...(withCookie ? { cookie } : {}), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text === '' ? {} : JSON.parse(text)) as Record<string, any> };
  };
  /** A read-only look at the file, closed at once (it holds no lock the checkpoint would wait for). */
  const peek = <T>(read: (db: Database.Database) => T): T => {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  };
  const auditRows = () => peek((db) => db.prepare('SELECT actor, action, campaign, detail_json FROM console_log ORDER BY seq').all() as {
    actor: string; action: string; campaign: string | null; detail_json: string | null;
  }[]);
  const othersRows = async () => {
    const rows: Record<string, Record<string, string>[]> = {};
    for (const campaign of CAMPAIGNS) {
      rows[campaign] = csvRecords((await getCsv(url, campaign)).text).filter((row) => OTHERS.includes(row.email!));
    }
    return rows;
  };
  const settle = async (what: string, check: () => Promise<boolean>) => {
    await until(async () => {
      await context.runOnce();
      return check();
    }, 15_000, what);
  };

  before(async () => {
    context = await startMailReceiver({ env: { PUBLIC_URL: PUBLIC, LOG_LEVEL: 'error' } });
    url = context.server.url;
    dbPath = join(context.server.dir, 'signatures.sqlite');
    await putCampaign(url, EACH, campaignBody(EACH, { mode: 'each', targets: TARGETS, replyTo: 'signer-if-agreed', receipt: true }));
    await putCampaign(url, CONFIRM, campaignBody(CONFIRM, { mode: 'each', targets: [TARGETS[0]], confirm: true }));
    await putCampaign(url, DIGEST, campaignBody(DIGEST, { mode: 'digest', targets: [TARGETS[1]] }));
    await putCampaign(url, PLAIN, campaignBody(PLAIN, { mode: 'off', targets: [] }));

    for (const campaign of CAMPAIGNS) {
      for (const email of OTHERS) assert.equal((await postJson(url, otherPayload(campaign, email))).status, 201);
      // Two spellings of the same mailbox: the erasure must find both.
      assert.equal((await postJson(url, personPayload(campaign, campaign === PLAIN ? PERSON_LOWER : PERSON))).status, 201);
    }
    // Letters sent (with the signers' Reply-To), then their receipts; the confirmation emails sent.
    const sent = (table: string) => peek((db) => (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE status = 'sent'`).get() as { n: number }).n);
    await settle('letters, receipts and confirmation emails sent', async () => sent('letters') === 6 && sent('receipts') === 3 && sent('confirmations') === 3);
    // The day's digest sent now, the person's edited words in its entry.
    assert.equal((await admin(url, 'POST', `/api/admin/campaigns/${DIGEST}/digest`)).status, 202);
    await settle('the digest sent', async () => (await admin(url, 'GET', `/api/admin/campaigns/${DIGEST}/digests`)).body.digests.every((digest: { status: string }) => digest.status === 'sent'));
    // The fake signer: letters sent in one campaign, waiting for the next digest in the other.
    assert.equal((await postJson(url, fakePayload(EACH))).status, 201);
    assert.equal((await postJson(url, fakePayload(DIGEST))).status, 201);
    await settle("the fake signer's letters and receipt sent", async () => sent('letters') === 8 && sent('receipts') === 4);
    othersBefore = await othersRows();

    await addOrganiser(context.server);
    const answer = await login(url, ORGANISER, PASSWORD, { origin: PUBLIC });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    cookie = cookiePair(answer.setCookies);
  });
  after(async () => context?.close());

  test('precondition: the file holds the person and the fake signer (the byte search finds them)', async () => {
    // Through a checkpoint, so the rows are in the .sqlite file itself and not only in the -wal.
    const writer = new Database(dbPath);
    writer.pragma('wal_checkpoint(PASSIVE)');
    writer.close();
    assert.deepEqual(tracesIn(dbPath, [PERSON_LOWER, FAKE.toLowerCase()]), [PERSON_LOWER, FAKE.toLowerCase()]);
  });

  test('without a session: 401 for search and erasure, nothing changed', async () => {
    const search = await post('/api/console/erasure/search', { email: PERSON }, {}, false);
    assert.equal(search.status, 401);
    assert.equal(search.body.error, 'not-logged-in');
    assert.equal(search.body.matches, undefined);
    const erase = await post('/api/console/erasure', { email: PERSON, action: 'delete', confirm: true }, {}, false);
    assert.equal(erase.status, 401);
    assert.equal(await countOf(EACH), 4);
  });

  test('from another origin, even with the session: 403, nothing changed', async () => {
    for (const path of ['/api/console/erasure/search', '/api/console/erasure']) {
      const answer = await post(path, { email: PERSON, action: 'delete', confirm: true }, { origin: EVIL });
      assert.equal(answer.status, 403, path);
      assert.equal(answer.body.error, 'cross-origin');
    }
    const noOrigin = await fetch(`${url}/api/console/erasure`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ email: PERSON, action: 'delete', confirm: true }),
    });
    assert.equal(noOrigin.status, 403);
    assert.equal(await countOf(EACH), 4);
    assert.equal((await post('/api/console/erasure/search', { email: PERSON })).body.matches.length, 4);
  });

  test('bad requests: 415 for a form, 400 naming the field; without confirm: true nothing is erased', async () => {
    const form = await post('/api/console/erasure', 'email=x%40y.example&action=delete&confirm=true', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(form.status, 415);
    for (const [body, field] of [
      [{}, 'email'], [{ email: 'not an address' }, 'email'], [{ email: 42 }, 'email'], [{ email: 'x'.repeat(400) + '@a.example' }, 'email'],
    ] as const) {
      const answer = await post('/api/console/erasure/search', body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.match(answer.body.message, new RegExp(field));
    }
    const noAction = await post('/api/console/erasure', { email: PERSON, action: 'forget', confirm: true });
    assert.equal(noAction.status, 400);
    assert.match(noAction.body.message, /action/);
    for (const confirm of [undefined, false, 'true', 1]) {
      const answer = await post('/api/console/erasure', { email: PERSON, action: 'delete', confirm });
      assert.equal(answer.status, 400, String(confirm));
      assert.equal(answer.body.error, 'confirmation-required');
    }
    assert.equal(await countOf(EACH), 4);
    assert.equal((await post('/api/console/erasure/search', { email: PERSON })).body.matches.length, 4);
  });

  test('an unknown address: 404 not-found, nothing changed, nothing logged', async () => {
    const logged = auditRows().length;
    const answer = await post('/api/console/erasure', { email: 'nobody.here@example.org', action: 'anonymise', confirm: true });
    assert.equal(answer.status, 404);
    assert.equal(answer.body.error, 'not-found');
    assert.equal(auditRows().length, logged);
    for (const campaign of CAMPAIGNS) assert.equal(await countOf(campaign), campaign === EACH || campaign === DIGEST ? 4 : 3);
  });

  test('search: every campaign the address signed, in any spelling, with its letters; logged without the address', async () => {
    for (const spelling of [PERSON, PERSON_NORMAL, `  ${PERSON_LOWER.toUpperCase()}  `]) {
      const answer = await post('/api/console/erasure/search', { email: spelling });
      assert.equal(answer.status, 200, spelling);
      assert.equal(answer.headers.get('cache-control'), 'no-store');
      const matches = answer.body.matches as { campaign: string; signedAt: string; letters: number }[];
      assert.deepEqual(matches.map((match) => match.campaign).sort(), [...CAMPAIGNS].sort(), spelling);
      const letters = Object.fromEntries(matches.map((match) => [match.campaign, match.letters]));
      assert.deepEqual(letters, { [EACH]: 2, [CONFIRM]: 1, [DIGEST]: 1, [PLAIN]: 0 });
      for (const match of matches) assert.match(match.signedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    assert.deepEqual((await post('/api/console/erasure/search', { email: 'nobody.here@example.org' })).body, { matches: [] });
    const searches = auditRows().filter((row) => row.action === 'signer-searched');
    assert.deepEqual(searches.slice(-4).map((row) => JSON.parse(row.detail_json!)), [{ matches: 4 }, { matches: 4 }, { matches: 4 }, { matches: 0 }]);
    assert.ok(searches.every((row) => row.actor === ORGANISER));
  });

  test('while one of the signer\'s letters is being handed to SMTP: 409 busy with Retry-After, nothing changed', async () => {
    const writer = new Database(dbPath);
    writer.pragma('busy_timeout = 5000');
    const [letter] = writer.prepare(`SELECT l.id, l.status FROM letters l JOIN signatures s ON s.id = l.signature_id WHERE s.email = ? AND l.campaign = ?`).all(FAKE, EACH) as { id: string; status: string }[];
    assert.ok(letter);
    writer.prepare(`UPDATE letters SET status = 'sending' WHERE id = ?`).run(letter.id);
    try {
      const answer = await post('/api/console/erasure', { email: FAKE, action: 'delete', confirm: true });
      assert.equal(answer.status, 409);
      assert.equal(answer.body.error, 'busy');
      assert.ok(Number(answer.headers.get('retry-after')) > 0);
      assert.equal(await countOf(EACH), 4);
    } finally {
      writer.prepare('UPDATE letters SET status = ? WHERE id = ?').run(letter.status, letter.id);
      writer.close();
    }
  });

  describe('anonymise', () => {
    let answer: Awaited<ReturnType<typeof post>>;
    before(async () => {
      // A copy of the address left in free space by an earlier write without secure_delete (as a
      // database from before this release has them): the erasure's rebuild of the file removes it.
      const writer = new Database(dbPath);
      writer.pragma('busy_timeout = 5000');
      writer.pragma('secure_delete = OFF');
      writer.exec(`CREATE TABLE scratch (x TEXT); INSERT INTO scratch VALUES ('stale copy of ${PERSON_LOWER}'); DROP TABLE scratch;`);
      writer.pragma('wal_checkpoint(PASSIVE)');
      writer.close();
      assert.deepEqual(tracesIn(dbPath, ['stale copy of']), ['stale copy of'], 'the planted copy is in the file');
      answer = await post('/api/console/erasure', { email: ` ${PERSON.toUpperCase()} `, action: 'anonymise', confirm: true });
    });

    test('answers what it did', () => {
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.deepEqual(answer.body, { action: 'anonymise', signatures: 4, campaigns: 4 });
    });

    test('the counts stay', async () => {
      for (const campaign of CAMPAIGNS) assert.equal(await countOf(campaign), campaign === EACH || campaign === DIGEST ? 4 : 3, campaign);
    });

    test('no trace of the person in the .sqlite or the -wal file, the stale copy included', () => {
      assert.deepEqual(tracesIn(dbPath, [...PERSON_TRACES, 'stale copy of']), []);
      assert.deepEqual(tracesIn(`${dbPath}-wal`, [...PERSON_TRACES, 'stale copy of']), []);
      assert.ok(!existsSync(`${dbPath}-wal`) || readFileSync(`${dbPath}-wal`).length === 0, 'the -wal was truncated');
      // The search does find what is still there: the other signers and the fake one.
      assert.deepEqual(tracesIn(dbPath, [...OTHERS, FAKE.toLowerCase()]), [...OTHERS, FAKE.toLowerCase()]);
    });

    test('the rows keep what counts and shows in the overview, and a placeholder for the address', async () => {
      for (const campaign of CAMPAIGNS) {
        const rows = csvRecords((await getCsv(url, campaign)).text).filter((row) => row.email!.startsWith('erased:'));
        assert.equal(rows.length, 1, campaign);
        const row = rows[0]!;
        for (const column of ['first_name', 'last_name', 'name', 'postcode', 'organisation', 'phone', 'comment', 'message_subject', 'message_body', 'referrer', 'utm_term', 'utm_content']) {
          assert.equal(row[column], '', `${campaign} ${column}`);
        }
        assert.equal(row.country, 'KZ');
        assert.equal(row.locale, 'en');
        assert.equal(row.utm_source, 'newsletter');
        assert.equal(row.utm_medium, 'email');
        assert.equal(row.source_url, 'https://union.example/appeal');
        assert.equal(row.consent_updates, 'no', 'the consent is withdrawn');
        assert.equal(row.consent_text, 'Keep me informed.');
      }
      const payloads = peek((db) => db.prepare("SELECT payload_json FROM signatures WHERE email LIKE 'erased:%'").all() as { payload_json: string }[]);
      assert.equal(payloads.length, 4);
      for (const { payload_json } of payloads) {
        const payload = JSON.parse(payload_json);
        assert.equal(payload.erased, 'anonymised');
        assert.match(payload.signer.email, /^erased:\d+$/);
        assert.deepEqual(Object.keys(payload.signer).sort(), ['country', 'email']);
      }
    });

    test('sent letters stay sent (emptied); the held one is cancelled; confirmation and receipt are gone', async () => {
      const each = (await admin(url, 'GET', `/api/admin/campaigns/${EACH}`)).body;
      for (const target of each.letters) assert.equal(target.counts.sent, 4, "the person's, the others' and the fake signer's: all still sent");
      const confirm = (await admin(url, 'GET', `/api/admin/campaigns/${CONFIRM}/letters`)).body.letters as { status: string; lastResponse: string | null }[];
      const cancelled = confirm.filter((letter) => letter.status === 'cancelled');
      assert.equal(cancelled.length, 1);
      assert.match(cancelled[0]!.lastResponse ?? '', /erased/);
      assert.equal(confirm.filter((letter) => letter.status === 'awaiting-confirmation').length, 2, "the others' letters still wait");
      const rows = peek((db) => ({
        letters: db.prepare(`SELECT l.subject, l.body, l.reply_to FROM letters l JOIN signatures s ON s.id = l.signature_id WHERE s.email LIKE 'erased:%'`).all() as { subject: string; body: string; reply_to: string | null }[],
        confirmations: (db.prepare(`SELECT count(*) AS n FROM confirmations k JOIN signatures s ON s.id = k.signature_id WHERE s.email LIKE 'erased:%'`).get() as { n: number }).n,
        receipts: (db.prepare(`SELECT count(*) AS n FROM receipts r JOIN signatures s ON s.id = r.signature_id WHERE s.email LIKE 'erased:%'`).get() as { n: number }).n,
        otherReceipts: (db.prepare('SELECT count(*) AS n FROM receipts').get() as { n: number }).n,
        entries: db.prepare(`SELECT e.edited_subject, e.edited_body FROM digest_entries e JOIN signatures s ON s.id = e.signature_id WHERE s.email LIKE 'erased:%'`).all(),
      }));
      assert.equal(rows.letters.length, 3);
      assert.ok(rows.letters.every((letter) => letter.subject === '' && letter.body === '' && letter.reply_to === null));
      assert.equal(rows.confirmations, 0);
      assert.equal(rows.receipts, 0);
      assert.ok(rows.otherReceipts >= 2, "the others' receipts stay");
      assert.deepEqual(rows.entries, [{ edited_subject: null, edited_body: null }], 'the entry of the sent digest stays, without their words');
    });

    test('the other signers are untouched', async () => {
      assert.deepEqual(await othersRows(), othersBefore);
    });

    test('the audit log says who anonymised how many rows, never the address', () => {
      const rows = auditRows();
      const entry = rows.find((row) => row.action === 'signer-anonymised');
      assert.ok(entry);
      assert.equal(entry.actor, ORGANISER);
      assert.equal(entry.campaign, null);
      assert.deepEqual(JSON.parse(entry.detail_json!), {
        signatures: 4, campaigns: 4, lettersCancelled: 1, letters: 3, digestEntries: 1, confirmations: 1, receipts: 1,
      });
      const text = JSON.stringify(rows).toLowerCase();
      for (const trace of PERSON_TRACES) assert.ok(!text.includes(trace.toLowerCase()), trace);
    });

    test('afterwards the address finds nothing, and erasing it again is a 404', async () => {
      assert.deepEqual((await post('/api/console/erasure/search', { email: PERSON })).body, { matches: [] });
      assert.equal((await post('/api/console/erasure', { email: PERSON, action: 'delete', confirm: true })).status, 404);
    });

    test('signing again afterwards is a new signature (the receiver no longer knows the address)', async () => {
      assert.equal((await postJson(url, otherPayload(PLAIN, PERSON_LOWER))).status, 201);
      assert.equal(await countOf(PLAIN), 4);
      assert.equal((await post('/api/console/erasure', { email: PERSON, action: 'delete', confirm: true })).status, 200);
      assert.equal(await countOf(PLAIN), 3);
    });
  });

  describe('delete', () => {
    let answer: Awaited<ReturnType<typeof post>>;
    let lettersBefore: number;
    before(async () => {
      lettersBefore = (await admin(url, 'GET', `/api/admin/campaigns/${EACH}/letters`)).body.letters.length;
      answer = await post('/api/console/erasure', { email: FAKE.toLowerCase(), action: 'delete', confirm: true });
    });

    test('answers what it did, and the counts go down', async () => {
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.deepEqual(answer.body, { action: 'delete', signatures: 2, campaigns: 2 });
      assert.equal(await countOf(EACH), 3);
      assert.equal(await countOf(DIGEST), 3);
      assert.equal(await countOf(CONFIRM), 3);
    });

    test('the signatures and their letters and digest entries are gone, from the rows and from the bytes', async () => {
      assert.equal((await admin(url, 'GET', `/api/admin/campaigns/${EACH}/letters`)).body.letters.length, lettersBefore - 2);
      const left = peek((db) => ({
        signatures: (db.prepare('SELECT count(*) AS n FROM signatures WHERE email_normalised = ?').get(FAKE.toLowerCase()) as { n: number }).n,
        orphans: (db.prepare('SELECT (SELECT count(*) FROM letters WHERE signature_id NOT IN (SELECT id FROM signatures)) + (SELECT count(*) FROM digest_entries WHERE signature_id NOT IN (SELECT id FROM signatures)) AS n').get() as { n: number }).n,
      }));
      assert.deepEqual(left, { signatures: 0, orphans: 0 });
      assert.deepEqual(tracesIn(dbPath, FAKE_TRACES), []);
      assert.deepEqual(tracesIn(`${dbPath}-wal`, FAKE_TRACES), []);
    });

    test('the other signers are untouched, and the audit log counts without naming', async () => {
      assert.deepEqual(await othersRows(), othersBefore);
      const entries = auditRows().filter((row) => row.action === 'signer-deleted');
      const last = entries.at(-1)!;
      assert.equal(last.actor, ORGANISER);
      assert.deepEqual(JSON.parse(last.detail_json!), {
        signatures: 2, campaigns: 2, lettersCancelled: 0, letters: 2, digestEntries: 1, confirmations: 0, receipts: 1,
      });
      assert.ok(!JSON.stringify(auditRows()).toLowerCase().includes('fake.signer'));
    });
  });
});

test('pageWithoutQuery keeps the page, drops what follows it', () => {
  assert.equal(pageWithoutQuery('https://union.example/appeal/?mc_eid=1&email=a%40b.c#sign'), 'https://union.example/appeal/');
  assert.equal(pageWithoutQuery('http://127.0.0.1:8080/'), 'http://127.0.0.1:8080/');
  assert.equal(pageWithoutQuery('javascript:alert(1)'), null);
  assert.equal(pageWithoutQuery('not a url'), null);
  assert.equal(pageWithoutQuery(''), '');
  assert.equal(pageWithoutQuery(null), null);
});
