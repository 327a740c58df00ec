import { html, type TemplateResult } from 'lit';

// A bare http(s) URL, ending before whitespace and before trailing punctuation that belongs to the sentence.
const URL_PATTERN = /(\bhttps?:\/\/[^\s<>"]*[^\s<>".,;:!?'")\]}»”’])/i;

/** Splits `text` into plain runs and http(s) URLs: URLs at the odd indices, never anything else. */
export function linkify(text: string): string[] {
  return text.split(URL_PATTERN);
}

/** Paragraphs of `text`, split at blank lines, trimmed, empty ones dropped. */
export function paragraphs(text: string): string[] {
  return text
    .split(/\r?\n[ \t]*\r?\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean);
}

/** Renders untrusted text as paragraphs with line breaks and links; the text is never parsed as HTML. */
export function renderPlainText(text: string): TemplateResult[] {
  return paragraphs(text).map(
    (paragraph) =>
      // A paragraph takes its direction from its own text: English appeal text in an Arabic widget stays left to right.
      html`<p dir="auto">
        ${paragraph.split(/\r?\n/).map(
          (line, index) =>
            html`${index ? html`<br />` : ''}${linkify(line).map((piece, position) =>
              position % 2 ? html`<a href=${piece} rel="noopener noreferrer" target="_blank">${piece}</a>` : piece,
            )}`,
        )}
      </p>`,
  );
}
