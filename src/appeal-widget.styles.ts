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
    margin-block: 1rem !important;
    visibility: visible !important;
    opacity: 1 !important;
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
    --_success: var(--appeal-success, #1b5e20);
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
      --_success: var(--appeal-success, #a5d6a7);
      --_focus: var(--appeal-focus, #9ec1ff);
    }
  }
  :host([hidden]),
  [hidden] {
    display: none !important;
  }
  *,
  *::before,
  *::after {
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
  .loading {
    min-block-size: 12rem;
  }
  h2,
  ::slotted(h1),
  ::slotted(h2),
  ::slotted(h3) {
    font-size: 1.5em;
    line-height: 1.25;
    margin-block: 0 calc(var(--_space) * 0.75);
  }
  h3 {
    font-size: 1.25em;
    line-height: 1.3;
    margin-block: 0 calc(var(--_space) * 0.5);
  }
  h4 {
    font-size: 1.1em;
    margin-block: var(--_space) calc(var(--_space) * 0.25);
  }
  p {
    margin-block: 0 calc(var(--_space) * 0.75);
  }
  a {
    color: var(--_accent);
    text-decoration-thickness: 1px;
    text-underline-offset: 0.15em;
  }
  :focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute !important;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }

  /* counter */
  .counter {
    margin-block: var(--_space);
  }
  .count {
    font-weight: 700;
    font-size: 1.15em;
    margin-block-end: 0.25rem;
  }
  .progress {
    block-size: 0.75rem;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: 999px;
    overflow: hidden;
  }
  .progress-bar {
    block-size: 100%;
    background: var(--_accent);
    transition: inline-size 0.6s ease-out;
  }
  .goal {
    color: var(--_muted);
    font-size: 0.9em;
    margin-block-start: 0.25rem;
  }

  /* form */
  form {
    display: grid;
    gap: calc(var(--_space) * 0.75);
    margin-block-start: var(--_space);
  }
  .field {
    display: grid;
    gap: 0.25rem;
  }
  label,
  legend {
    font-weight: 600;
  }
  .optional {
    font-weight: 400;
    color: var(--_muted);
  }
  input[type='text'],
  input[type='email'],
  input[type='tel'],
  select,
  textarea {
    font: inherit;
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
    padding: 0.5rem 0.625rem;
    inline-size: 100%;
    min-block-size: 2.75rem;
  }
  textarea {
    resize: vertical;
  }
  [aria-invalid='true'] {
    border-color: var(--_error);
    border-width: 2px;
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
    padding: calc(var(--_space) * 0.75);
    min-inline-size: 0;
  }
  .letter {
    display: grid;
    gap: calc(var(--_space) * 0.5);
  }
  .letter-to {
    font-weight: 600;
    margin: 0;
  }
  .hint {
    color: var(--_muted);
    margin: 0;
  }
  .consent-checkbox {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 0.5rem;
    align-items: start;
  }
  .consent-checkbox label {
    font-weight: 400;
  }
  .consent-checkbox .privacy {
    grid-column: 2;
  }
  .choice {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    min-block-size: 2rem;
  }
  .choice label {
    font-weight: 400;
  }
  input[type='checkbox'],
  input[type='radio'] {
    inline-size: 1.25rem;
    block-size: 1.25rem;
    margin: 0.15rem 0 0;
    accent-color: var(--_accent);
  }
  .privacy {
    margin: 0.25rem 0 0;
    font-size: 0.95em;
  }
  .error-summary {
    border: 2px solid var(--_error);
    border-radius: var(--_radius);
    padding: calc(var(--_space) * 0.75);
  }
  .error-summary ul {
    margin: 0;
    padding-inline-start: 1.25rem;
  }
  .error-summary a {
    color: var(--_error);
    font-weight: 600;
  }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: calc(var(--_radius) * 0.75);
    min-block-size: 2.75rem;
    padding: 0.5rem 1.25rem;
  }
  .submit {
    font-weight: 700;
    font-size: 1.1em;
    color: var(--_accent-text);
    background: var(--_accent);
    border: 2px solid var(--_accent);
    inline-size: 100%;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.5rem;
  }
  .submit[aria-disabled='true'] {
    cursor: progress;
  }
  .secondary {
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
  }
  .spinner {
    inline-size: 1em;
    block-size: 1em;
    border: 2px solid currentColor;
    border-inline-end-color: transparent;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  .notice {
    border-inline-start: 4px solid var(--_accent);
    background: var(--_surface);
    padding: calc(var(--_space) * 0.75);
    border-radius: calc(var(--_radius) * 0.5);
  }
  .notice p {
    margin-block-end: 0.5rem;
  }

  /* thanks and share */
  .thanks {
    margin-block-start: var(--_space);
  }
  .thanks h3:focus {
    outline: none;
  }
  .thanks h3:focus-visible {
    outline: 3px solid var(--_focus);
  }
  .share-list {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr));
    gap: 0.5rem;
  }
  .share {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    inline-size: 100%;
    min-block-size: 2.75rem;
    padding: 0.5rem 0.75rem;
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
    text-decoration: none;
    font: inherit;
    text-align: start;
  }
  .share:hover {
    border-color: var(--_accent);
  }
  .icon {
    flex: none;
  }
  .copied {
    color: var(--_success);
    font-weight: 600;
    margin-block: 0.5rem 0;
  }

  /* configuration error, for the site owner */
  .config-error {
    border: 2px solid var(--_error);
    border-radius: var(--_radius);
    padding: var(--_space);
  }
  .config-title {
    font-size: 1.2em;
    color: var(--_error);
  }

  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      animation-duration: 0.01ms !important;
      animation-iteration-count: 1 !important;
      transition-duration: 0.01ms !important;
    }
  }
`;
