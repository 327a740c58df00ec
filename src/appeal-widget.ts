import { AppealWidget } from './appeal-widget.component.js';

/** The tag name the widget registers. */
export const TAG_NAME = 'appeal-widget';

// An embed script may run twice on one page, or after another copy defined the tag.
if (!customElements.get(TAG_NAME)) customElements.define(TAG_NAME, AppealWidget);

declare global {
  interface HTMLElementTagNameMap {
    'appeal-widget': AppealWidget;
  }
}

export { AppealWidget };
