/**
 * The WordPress plugin's .pot extractor (scripts/wordpress-pot.mjs): which calls it finds, and
 * the template it writes, read back by the gettext tool msgfmt when it is installed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { extractStrings, formatPot } from '../../scripts/wordpress-pot.mjs';

const PHP = `<?php
/**
 * Plugin Name: Appeal widget
 * Description: A campaign action.
 */
echo esc_html__( 'Settings', 'appeal-widget' );
/* translators: %s: a field's name. */
printf( __( '%s: enter a full address.', 'appeal-widget' ), $label );
_e( 'It\\'s done', 'appeal-widget' );
echo _x( 'Post', 'noun', 'appeal-widget' );
echo _n( 'One signature', '%d signatures', $count, 'appeal-widget' );
echo __( 'Not ours', 'other-domain' );
echo __( $dynamic, 'appeal-widget' );
$object->__( 'A method, not gettext', 'appeal-widget' );
echo esc_html__( 'Settings', 'appeal-widget' );
`;

const JS = `var label = __( "The reader's language", 'appeal-widget' );
// translators: %s: the campaign's identifier.
sprintf( __( 'Campaign "%s"', 'appeal-widget' ), id );
`;

const BLOCK = JSON.stringify({ title: 'Appeal widget', description: 'A block.', keywords: ['petition'], textdomain: 'appeal-widget' });

test('finds every gettext call of the domain, with references and translator comments', () => {
  const entries = extractStrings(
    [
      { path: 'appeal-widget.php', text: PHP },
      { path: 'block/editor.js', text: JS },
      { path: 'block/block.json', text: BLOCK },
    ],
    'appeal-widget',
  );
  const byId = new Map(entries.map((entry) => [`${entry.msgctxt ?? ''}|${entry.msgid}`, entry]));
  assert.deepEqual([...byId.keys()].sort(), [
    'block description|A block.',
    'block keyword|petition',
    'block title|Appeal widget',
    'noun|Post',
    '|%s: enter a full address.',
    '|A campaign action.',
    '|Appeal widget',
    '|Campaign "%s"',
    "|It's done",
    '|One signature',
    '|Settings',
    "|The reader's language",
  ]);
  assert.deepEqual(byId.get('|Settings')?.references, ['appeal-widget.php:6', 'appeal-widget.php:15']);
  assert.deepEqual(byId.get('|%s: enter a full address.')?.comments, ["translators: %s: a field's name."]);
  assert.deepEqual(byId.get('|Campaign "%s"')?.comments, ["translators: %s: the campaign's identifier."]);
  assert.equal(byId.get('|One signature')?.msgid_plural, '%d signatures');
});

test('writes a template gettext reads', () => {
  const entries = extractStrings([{ path: 'a.php', text: PHP }], 'appeal-widget');
  const pot = formatPot(entries, { project: 'Appeal widget', version: '1.2.3', domain: 'appeal-widget' });
  assert.match(pot, /"Project-Id-Version: Appeal widget 1\.2\.3\\n"/);
  assert.match(pot, /msgid "Campaign|msgid "It's done"/);
  assert.match(pot, /msgctxt "noun"\nmsgid "Post"\nmsgstr ""/);
  assert.match(pot, /msgid "One signature"\nmsgid_plural "%d signatures"\nmsgstr\[0\] ""\nmsgstr\[1\] ""/);
  const msgfmt = spawnSync('sh', ['-c', 'command -v msgfmt'], { encoding: 'utf8' });
  if (msgfmt.status !== 0) return; // gettext not installed: the shape checks above stand.
  const dir = mkdtempSync(join(tmpdir(), 'appeal-pot-'));
  try {
    writeFileSync(join(dir, 'fr.po'), pot.replace('nplurals=INTEGER; plural=EXPRESSION;', 'nplurals=2; plural=(n > 1);'));
    const check = spawnSync('msgfmt', ['--check', '-o', join(dir, 'fr.mo'), join(dir, 'fr.po')], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    assert.ok(readFileSync(join(dir, 'fr.mo')).length > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
