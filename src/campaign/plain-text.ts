import { html, nothing, type TemplateResult } from 'lit';

/** A run of text, or a bare http(s) URL found in it. */
export type TextPiece = { text: string } | { url: string };

// A URL ends before whitespace, and trailing punctuation belongs to the sentence, not the link.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?'")\]}»”’]+$/;

/** Splits `text` into plain runs and http(s) links; never anything else. */
export function linkify(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0;
    const url = match[0].replace(TRAILING_PUNCTUATION, '');
    if (start > last) pieces.push({ text: text.slice(last, start) });
    pieces.push({ url });
    last = start + url.length;
  }
  if (last < text.length) pieces.push({ text: text.slice(last) });
  return pieces;
}

/** Paragraphs of `text`, split at blank lines, trimmed, empty ones dropped. */
export function paragraphs(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean);
}

function renderLine(line: string): (TemplateResult | string)[] {
  return linkify(line).map((piece) =>
    'url' in piece ? html`<a href=${piece.url} rel="noopener noreferrer" target="_blank">${piece.url}</a>` : piece.text,
  );
}

/** Renders untrusted text as paragraphs with line breaks and links; the text is never parsed as HTML. */
export function renderPlainText(text: string | undefined): TemplateResult[] | typeof nothing {
  if (!text) return nothing;
  return paragraphs(text).map(
    (paragraph) =>
      html`<p>${paragraph.split('\n').map((line, index) => html`${index ? html`<br />` : nothing}${renderLine(line)}`)}</p>`,
  );
}
