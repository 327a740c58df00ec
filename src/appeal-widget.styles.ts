import { css } from 'lit';

/**
 * The widget's look. Every colour and size comes from a `--appeal-*` custom property with a
 * fallback; the host's own CSS cannot reach inside the shadow root.
 */
export const styles = css`
  :host {
    /* Important on :host wins over the host page's rules (even \`* { all: unset }\`). */
    display: block !important;
    box-sizing: border-box !important;
    max-inline-size: var(--appeal-max-width, 40rem) !important;
    visibility: visible !important;
    font-family: var(--appeal-font, inherit);
    font-size: var(--appeal-font-size, 1rem);
    line-height: 1.5;
    --_accent: var(--appeal-accent, #a4161a);
    --_accent-text: var(--appeal-accent-text, #ffffff);
    --_text: var(--appeal-text, #1d1b1a);
    --_muted: var(--appeal-muted, #57524f);
    --_background: var(--appeal-background, #ffffff);
    --_surface: var(--appeal-surface, #ffffff);
    --_border: var(--appeal-border, #77706b);
    --_error: var(--appeal-error, #b00020);
    --_focus: var(--appeal-focus, #1a56db);
    --_radius: var(--appeal-radius, 0.5rem);
    --_space: var(--appeal-space, 1rem);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_accent: var(--appeal-accent, #ffb3ad);
      --_accent-text: var(--appeal-accent-text, #3b0708);
      --_text: var(--appeal-text, #f2eeec);
      --_muted: var(--appeal-muted, #cbc4c0);
      --_background: var(--appeal-background, #1e1b1a);
      --_surface: var(--appeal-surface, #2a2624);
      --_border: var(--appeal-border, #a39c97);
      --_error: var(--appeal-error, #ffb4ab);
      --_focus: var(--appeal-focus, #9ec1ff);
    }
  }
  [hidden] {
    display: none !important;
  }
  * {
    box-sizing: border-box;
  }
  .card {
    color: var(--_text);
    background: var(--_background);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: var(--_space);
    overflow-wrap: anywhere;
  }
  h2,
  ::slotted(h2) {
    font-size: 1.5em;
    line-height: 1.25;
    margin: 0 0 0.75rem;
  }
  h3 {
    font-size: 1.25em;
    margin: 0 0 0.5rem;
  }
  p {
    margin: 0 0 0.75rem;
  }
  a {
    color: var(--_accent);
    text-underline-offset: 0.15em;
  }
  :focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .count {
    font-weight: 700;
    font-size: 1.15em;
    margin: 0;
  }
  progress {
    inline-size: 100%;
    block-size: 0.75rem;
    accent-color: var(--_accent);
  }
  .goal,
  .hint,
  .optional {
    color: var(--_muted);
    font-weight: 400;
  }
  form,
  .field,
  fieldset {
    display: grid;
    gap: 0.75rem;
  }
  form {
    margin-block-start: var(--_space);
  }
  .field {
    gap: 0.25rem;
  }
  label,
  legend {
    font-weight: 600;
  }
  input,
  select,
  textarea,
  button,
  .share {
    font: inherit;
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
    padding: 0.5rem 0.75rem;
    min-block-size: 2.75rem;
    inline-size: 100%;
  }
  [aria-invalid='true'] {
    border: 2px solid var(--_error);
  }
  .error {
    color: var(--_error);
    font-weight: 600;
    margin: 0;
  }
  .error::before {
    content: '⚠ ';
  }
  fieldset {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    margin: 0;
    min-inline-size: 0;
  }
  .choice {
    display: flex;
    gap: 0.5rem;
    align-items: start;
  }
  .choice label {
    font-weight: 400;
  }
  [type='checkbox'],
  [type='radio'] {
    inline-size: 1.25rem;
    min-block-size: 1.25rem;
    margin: 0.15rem 0 0;
    flex: none;
    accent-color: var(--_accent);
  }
  .error-summary,
  .notice,
  .config-error {
    border: 2px solid var(--_error);
    border-radius: var(--_radius);
    padding: 0.75rem;
  }
  .notice {
    border-color: var(--_accent);
  }
  button {
    cursor: pointer;
    inline-size: auto;
  }
  .submit {
    font-weight: 700;
    font-size: 1.1em;
    color: var(--_accent-text);
    background: var(--_accent);
    border-color: var(--_accent);
    inline-size: 100%;
  }
  .share-list {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr));
    gap: 0.5rem;
  }
  .share {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    text-decoration: none;
    text-align: start;
  }
  .icon {
    flex: none;
  }
  .copied {
    font-weight: 600;
  }
  .copied::before {
    content: '✓ ';
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
      animation: none !important;
    }
  }
`;
