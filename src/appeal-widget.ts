import { AppealWidget } from './appeal-widget.component.js';

/** The tag name the widget registers. */
export const TAG_NAME = 'appeal-widget';

// An embed script may run twice on one page, or after another copy defined the tag.
// The literal tag name (not TAG_NAME) lets the custom-elements manifest analyzer read it.
if (!customElements.get(TAG_NAME)) customElements.define('appeal-widget', AppealWidget);

declare global {
  interface HTMLElementTagNameMap {
    'appeal-widget': AppealWidget;
  }
}

export { AppealWidget };
