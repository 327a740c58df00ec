/**
 * CSV export of a campaign's signatures for its organiser.
 *
 * - Quoting by csv-stringify (RFC 4180, CRLF records), UTF-8 with a BOM so Excel shows Kazakh,
 *   Arabic… correctly. EVERY field is quoted: csv-stringify only quotes a value holding the record
 *   delimiter (CRLF), so a bare LF or CR in a comment went out unquoted and a spreadsheet, which
 *   ends a row at any newline, read a forged row. Quoting all fields makes the record structure
 *   independent of the content and of csv-stringify's detection rules, for two bytes a field.
 * - CSV-injection safe: a spreadsheet importing with `;` or TAB as separator (French, German
 *   defaults), or splitting at a newline it does not see as quoted, starts a new cell after each
 *   `;` `,` TAB CR LF. So every such segment, and the value itself, that starts (after spaces) with
 *   = + - @ (ASCII or fullwidth), or a value starting with TAB or CR, gets a single quote inserted
 *   in front of it: each cell any importer cuts out starts with `'` and opens as inert text.
 *   Checked with LibreOffice Calc in server/test/spreadsheet.test.ts. The database keeps the
 *   literal value.
 * - Streams page by page (keyset on `seq`), so a large campaign is never held in memory and no
 *   SQLite cursor stays open across awaits while signatures keep arriving.
 */
import { Readable, pipeline, PassThrough } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { SignatureFilter, SignatureRow, Store } from './store/store.ts';

export const CSV_COLUMNS = [
  'id', 'campaign', 'created_at', 'received_at', 'locale',
  'first_name', 'last_name', 'name', 'email', 'country', 'postcode', 'organisation', 'phone', 'comment',
  'consent_updates', 'consent_text', 'consent_reply_to', 'consent_reply_to_text', 'message_subject', 'message_body',
  'source_url', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content',
  'format', 'letter_status', 'letter_sent_at',
] as const satisfies readonly (keyof SignatureRow)[];

/** Characters that start a formula: = + - @ and their fullwidth forms (U+FF1D, U+FF0B, U+FF0D, U+FF20). */
const FORMULA_CHARS = '=+\\-@\\uFF1D\\uFF0B\\uFF0D\\uFF20';
/** Where a spreadsheet may start a new cell or row: `;` `,` TAB CR LF (kept by split's capture group). */
const SEPARATOR = /([;,\t\r\n])/;
/** A segment that starts a formula, after optional spaces or double quotes (an importer may strip them). */
const FORMULA_SEGMENT = new RegExp(`^[\\s"]*[${FORMULA_CHARS}]`);
/** Excel also runs a cell that starts with TAB or CR. */
const CONTROL_START = /^[\t\r]/;

/**
 * Makes a cell inert in spreadsheets: `=HYPERLINK(…)` → `'=HYPERLINK(…)`, `a;=1` → `a;'=1`,
 * `TAB=1` → `'TAB'=1`. Split into segments rather than matched with one global regex: an empty
 * match at the start would step over a separator right behind it and leave its segment live.
 */
export function neutraliseCell(value: string): string {
  const segments = value
    .split(SEPARATOR)
    .map((part, index) => (index % 2 === 0 && FORMULA_SEGMENT.test(part) ? `'${part}` : part))
    .join('');
  return CONTROL_START.test(segments) ? `'${segments}` : segments;
}

function cell(row: SignatureRow, column: (typeof CSV_COLUMNS)[number]): string {
  const value = row[column];
  if (value === null || value === undefined) return '';
  if (column === 'consent_updates' || column === 'consent_reply_to') return value === 1 ? 'yes' : 'no';
  if (column === 'letter_sent_at') return new Date(value as number).toISOString();
  return neutraliseCell(String(value));
}

async function* rowsOf(store: Pick<Store, 'listSignatures'>, campaign: string, pageSize: number, filter: SignatureFilter): AsyncGenerator<string[]> {
  let afterSeq = 0;
  for (;;) {
    const page = await store.listSignatures(campaign, { ...filter, afterSeq, limit: pageSize });
    for (const row of page) yield CSV_COLUMNS.map((column) => cell(row, column));
    const last = page.at(-1);
    if (last === undefined || page.length < pageSize) return;
    afterSeq = last.seq;
  }
}

/** A readable stream of the campaign's CSV (header row included, even when empty), of the signatures `filter` keeps. */
export function signaturesCsvStream(store: Pick<Store, 'listSignatures'>, campaign: string, pageSize = 500, filter: SignatureFilter = {}): Readable {
  const output = new PassThrough();
  const stringifier = stringify({
    header: true,
    columns: [...CSV_COLUMNS],
    bom: true,
    record_delimiter: 'windows',
    quoted: true, // every field: see the module comment
  });
  pipeline(Readable.from(rowsOf(store, campaign, pageSize, filter)), stringifier, output, () => {
    // Errors (client gone, database closed) end the stream; nothing else to clean up.
  });
  return output;
}

export function csvFilename(campaign: string, now = new Date()): string {
  return `${campaign}-signatures-${now.toISOString().slice(0, 10)}.csv`;
}
