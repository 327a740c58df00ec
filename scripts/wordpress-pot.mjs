// The WordPress plugin's translation template (.pot): every string its PHP and JavaScript pass to
// WordPress's gettext functions with the plugin's text domain, plus the block's title and
// description from block.json and the plugin header's name and description. Pure functions.

/** Gettext functions and the role of each argument before the text domain. */
const FUNCTIONS = {
  __: ['msgid'],
  _e: ['msgid'],
  esc_html__: ['msgid'],
  esc_html_e: ['msgid'],
  esc_attr__: ['msgid'],
  esc_attr_e: ['msgid'],
  _x: ['msgid', 'msgctxt'],
  _ex: ['msgid', 'msgctxt'],
  esc_html_x: ['msgid', 'msgctxt'],
  esc_attr_x: ['msgid', 'msgctxt'],
  _n: ['msgid', 'msgid_plural', 'number'],
  _nx: ['msgid', 'msgid_plural', 'number', 'msgctxt'],
};

const CALL = new RegExp(`(?<![\\w$>:])(${Object.keys(FUNCTIONS).join('|')})\\s*\\(`, 'g');

/** Reads a quoted PHP or JavaScript string at `at` (skipping space first): [value, end] or undefined. */
function readString(text, at) {
  let i = at;
  while (/\s/.test(text[i] ?? '')) i += 1;
  const quote = text[i];
  if (quote !== "'" && quote !== '"') return undefined;
  let value = '';
  for (i += 1; i < text.length; i += 1) {
    const char = text[i];
    if (char === quote) return [value, i + 1];
    if (char === '\\') {
      const next = text[i + 1] ?? '';
      i += 1;
      // PHP single quotes know only \' and \\; double quotes (and JavaScript) know more.
      if (quote === "'" && next !== "'" && next !== '\\') value += `\\${next}`;
      else value += next === 'n' && quote === '"' ? '\n' : next === 't' && quote === '"' ? '\t' : next;
    } else value += char;
  }
  return undefined;
}

/** Skips one argument that is not a string (a number expression) up to the next top-level comma. */
function skipArgument(text, at) {
  let depth = 0;
  for (let i = at; i < text.length; i += 1) {
    const char = text[i];
    if (char === '(' || char === '[') depth += 1;
    else if (char === ')' || char === ']') {
      if (depth === 0) return i;
      depth -= 1;
    } else if (char === ',' && depth === 0) return i;
  }
  return text.length;
}

/** The "translators:" comment ending on one of the two lines before `index`, if any. */
function translatorsComment(text, index) {
  const before = text.slice(Math.max(0, index - 400), index);
  const match = before.match(/(?:\/\*\s*(translators:[\s\S]*?)\*\/|\/\/\s*(translators:[^\n]*))[^\n]*\n?[^\n]*$/);
  return match ? (match[1] ?? match[2] ?? '').trim() : undefined;
}

/**
 * The translatable strings of `files` ({ path, text }) for `domain`: one entry per distinct
 * msgctxt + msgid, with every place it appears (path:line) and its translators' comments.
 */
export function extractStrings(files, domain) {
  const entries = new Map();
  const add = (entry, reference, comment) => {
    const key = `${entry.msgctxt ?? ''}\u0004${entry.msgid}`;
    const known = entries.get(key) ?? { ...entry, references: [], comments: [] };
    known.references.push(reference);
    if (comment && !known.comments.includes(comment)) known.comments.push(comment);
    entries.set(key, known);
  };
  for (const { path, text } of files) {
    if (path.endsWith('block.json')) {
      const block = JSON.parse(text);
      if (block.textdomain !== domain) continue;
      if (block.title) add({ msgid: block.title, msgctxt: 'block title' }, path);
      if (block.description) add({ msgid: block.description, msgctxt: 'block description' }, path);
      for (const keyword of block.keywords ?? []) add({ msgid: keyword, msgctxt: 'block keyword' }, path);
      continue;
    }
    if (path.endsWith('.php')) {
      const header = text.slice(0, 8192);
      for (const field of ['Plugin Name', 'Description']) {
        const match = header.match(new RegExp(`^[\\s*#@/]*${field}:\\s*(.+)$`, 'm'));
        if (match) add({ msgid: match[1].trim() }, path, `${field} of the plugin`);
      }
    }
    for (const call of text.matchAll(CALL)) {
      const roles = FUNCTIONS[call[1]];
      let at = call.index + call[0].length;
      const entry = {};
      let complete = true;
      for (const role of [...roles, 'domain']) {
        if (role === 'number') {
          at = skipArgument(text, at);
        } else {
          const read = readString(text, at);
          if (!read) {
            complete = false;
            break;
          }
          entry[role] = read[0];
          at = read[1];
        }
        while (/\s/.test(text[at] ?? '')) at += 1;
        if (role !== 'domain') {
          if (text[at] !== ',') {
            complete = false;
            break;
          }
          at += 1;
        }
      }
      if (!complete || entry.domain !== domain) continue;
      delete entry.domain;
      const line = text.slice(0, call.index).split('\n').length;
      add(entry, `${path}:${line}`, translatorsComment(text, call.index));
    }
  }
  return [...entries.values()];
}

/** A PO string literal, split at line breaks the way gettext tools write them. */
function poString(keyword, value) {
  const escaped = value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\t/g, '\\t');
  const lines = escaped.split('\n');
  if (lines.length === 1) return `${keyword} "${escaped}"`;
  const parts = lines.map((line, index) => (index < lines.length - 1 ? `${line}\\n` : line)).filter((line) => line !== '');
  return `${keyword} ""\n${parts.map((part) => `"${part}"`).join('\n')}`;
}

/** The .pot file for `entries`, with a header naming the project and version (no creation date, so rebuilding changes nothing). */
export function formatPot(entries, { project, version, domain }) {
  const header = [
    '# Translation template of the Appeal widget WordPress plugin.',
    '# This file is distributed under the same licence as the plugin (AGPL-3.0-or-later).',
    'msgid ""',
    'msgstr ""',
    `"Project-Id-Version: ${project} ${version}\\n"`,
    '"MIME-Version: 1.0\\n"',
    '"Content-Type: text/plain; charset=UTF-8\\n"',
    '"Content-Transfer-Encoding: 8bit\\n"',
    '"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\\n"',
    `"X-Domain: ${domain}\\n"`,
  ].join('\n');
  const blocks = entries.map((entry) => {
    const lines = [];
    for (const comment of entry.comments) lines.push(`#. ${comment.replace(/\s*\n\s*/g, ' ')}`);
    lines.push(`#: ${entry.references.join(' ')}`);
    if (entry.msgctxt !== undefined) lines.push(poString('msgctxt', entry.msgctxt));
    lines.push(poString('msgid', entry.msgid));
    if (entry.msgid_plural !== undefined) {
      lines.push(poString('msgid_plural', entry.msgid_plural), 'msgstr[0] ""', 'msgstr[1] ""');
    } else lines.push('msgstr ""');
    return lines.join('\n');
  });
  return `${[header, ...blocks].join('\n\n')}\n`;
}
