/**
 * CSV export of a campaign's signatures for its organiser.
 *
 * - Quoting by csv-stringify (RFC 4180, CRLF records), UTF-8 with a BOM so Excel shows Kazakh,
 *   Arabic… correctly.
 * - CSV-injection safe: a cell that a spreadsheet would read as a formula (starting with = + - @,
 *   tab or CR, also after leading spaces) is prefixed with a single quote, so it opens as inert
 *   text. The database keeps the literal value.
 * - Streams page by page (keyset on `seq`), so a large campaign is never held in memory and no
 *   SQLite cursor stays open across awaits while signatures keep arriving.
 */
import { Readable, pipeline, PassThrough } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { SignatureRow, SignatureStore } from './database.ts';

export const CSV_COLUMNS = [
  'id', 'campaign', 'created_at', 'received_at', 'locale',
  'first_name', 'last_name', 'name', 'email', 'country', 'postcode', 'organisation', 'phone', 'comment',
  'consent_updates', 'consent_text', 'message_subject', 'message_body',
  'source_url', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content',
  'format',
] as const satisfies readonly (keyof SignatureRow)[];

const FORMULA_START = /^[\s]*[=+\-@]|^[\t\r]/;

/** Makes a cell inert in spreadsheets: `=HYPERLINK(…)` → `'=HYPERLINK(…)`. */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

function cell(row: SignatureRow, column: (typeof CSV_COLUMNS)[number]): string {
  const value = row[column];
  if (value === null || value === undefined) return '';
  if (column === 'consent_updates') return value === 1 ? 'yes' : 'no';
  return neutraliseCell(String(value));
}

function* rowsOf(store: SignatureStore, campaign: string, pageSize: number): Generator<string[]> {
  let afterSeq = 0;
  for (;;) {
    const page = store.listSignatures(campaign, { afterSeq, limit: pageSize });
    for (const row of page) yield CSV_COLUMNS.map((column) => cell(row, column));
    const last = page.at(-1);
    if (last === undefined || page.length < pageSize) return;
    afterSeq = last.seq;
  }
}

/** A readable stream of the campaign's CSV (header row included, even when empty). */
export function signaturesCsvStream(store: SignatureStore, campaign: string, pageSize = 500): Readable {
  const output = new PassThrough();
  const stringifier = stringify({
    header: true,
    columns: [...CSV_COLUMNS],
    bom: true,
    record_delimiter: 'windows',
    quoted_match: /^'/, // quote neutralised cells too, for importers that strip a bare leading quote
  });
  pipeline(Readable.from(rowsOf(store, campaign, pageSize)), stringifier, output, () => {
    // Errors (client gone, database closed) end the stream; nothing else to clean up.
  });
  return output;
}

export function csvFilename(campaign: string, now = new Date()): string {
  return `${campaign}-signatures-${now.toISOString().slice(0, 10)}.csv`;
}
