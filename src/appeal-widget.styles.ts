import { css } from 'lit';

/**
 * The widget's look. Every colour and size comes from a `--appeal-*` custom property with a
 * fallback; the host's own CSS cannot reach inside the shadow root.
 */
export const styles = css`
  :host {
    /* Important on :host wins over the host page's rules (even \`* { all: unset }\`). */
    display: block !important;
    max-inline-size: var(--appeal-max-width, 100%) !important;
    color-scheme: light dark;
    --_accent: var(--appeal-accent, #a4161a);
    --_accent-text: var(--appeal-accent-text, #fff);
    --_text: var(--appeal-text, #1d1b1a);
    --_muted: var(--appeal-muted, #57524f);
    --_background: var(--appeal-background, #fff);
    --_surface: var(--appeal-surface, #fff);
    --_border: var(--appeal-border, #77706b);
    --_error: var(--appeal-error, #b00020);
    --_focus: var(--appeal-focus, #1a56db);
    --_radius: var(--appeal-radius, 0.5rem);
    --_space: var(--appeal-space, 1rem);
  }
  /* A media query rather than light-dark(), which browsers before 2024 would read as no colour at all. */
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
    /* Set here, not on :host, where a host page rule on the element would win. */
    font-family: var(--appeal-font, inherit);
    font-size: var(--appeal-font-size, 1rem);
    line-height: 1.5;
    color: var(--_text);
    background: var(--_background);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: var(--_space);
    overflow-wrap: anywhere;
  }
  /* System fonts only: Persian and Urdu read best in their own styles (Urdu in Nastaliq, which needs taller lines). */
  [lang='fa'] {
    font-family: var(--appeal-font,Vazirmatn,Tahoma,sans-serif);
  }
  [lang='ur'] {
    font-family: var(--appeal-font,'Noto Nastaliq Urdu','Jameel Noori Nastaleeq','Urdu Typesupport',serif);
    line-height: 2;
  }
  /* Nastaliq fonts draw Latin poorly: a campaign text in another language gets the system's font. */
  [lang='ur'] [lang]:not([lang='ur']) {
    font-family: var(--appeal-font,system-ui,sans-serif);
    line-height: 1.5;
  }
  h2,
  ::slotted(h2) {
    font-size: 1.5em;
    line-height: 1.25;
  }
  h2,
  h3,
  p {
    margin: 0 0 0.75rem;
  }
  a {
    color: var(--_accent);
  }
  :focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  /* The honeypot: out of sight and out of reach for people; scripts that fill every input fill it. */
  .trap {
    position: absolute;
    top: -1e4px;
    inline-size: 1px;
  }
  .visually-hidden {
    position: absolute;
    clip-path: inset(50%);
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    white-space: nowrap;
  }
  .count,
  .submit {
    font-weight: 700;
    font-size: 1.15em;
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
  .field {
    gap: 0.25rem;
  }
  fieldset p {
    margin: 0;
  }
  .field > label,
  legend,
  .error {
    font-weight: 600;
  }
  input,
  select,
  textarea,
  button,
  .share,
  fieldset,
  .notice,
  .error-summary,
  .config-error {
    font: inherit;
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.5rem 0.75rem;
    min-block-size: 2.75rem;
    inline-size: 100%;
    margin: 0;
  }
  progress {
    inline-size: 100%;
    accent-color: var(--_accent);
  }
  .language {
    text-align: end;
  }
  .language select {
    inline-size: auto;
    margin-inline-start: 0.5rem;
  }
  [aria-invalid='true'],
  .error-summary,
  .config-error {
    border: 2px solid var(--_error);
  }
  .error {
    color: var(--_error);
    margin: 0;
  }
  .error::before {
    content: '⚠ ';
  }
  .choice {
    display: flex;
    gap: 0.5rem;
    align-items: start;
  }
  [type='checkbox'],
  [type='radio'] {
    flex: none;
    inline-size: 1.25rem;
    min-block-size: 1.25rem;
    margin-block-start: 0.15rem;
    accent-color: var(--_accent);
  }
  button {
    cursor: pointer;
    inline-size: auto;
  }
  .submit {
    color: var(--_accent-text);
    background: var(--_accent);
    inline-size: 100%;
  }
  .share-list {
    list-style: none;
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
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
    }
  }
`;
