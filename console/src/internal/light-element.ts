import { LitElement } from 'lit';

/**
 * The console's elements render into the document, not a shadow root: one stylesheet file
 * (console.css and uPlot's, under style-src 'self') reaches every page and the chart library's
 * own DOM, and labels, error-summary links and aria-describedby find their ids across elements.
 * The console is a page of its own, so there is no host page whose styles could leak in.
 */
export class LightElement extends LitElement {
  protected override createRenderRoot(): HTMLElement {
    return this;
  }
}

/** Defines `tag` once, as the widget does: a second copy of the script must not throw. */
export function define(tag: string, element: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, element);
}
