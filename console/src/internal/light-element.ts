import { LitElement } from 'lit';
import { onLanguageChange } from './i18n.js';

/**
 * The console's elements render into the document, not a shadow root: one stylesheet file
 * (console.css and uPlot's, under style-src 'self') reaches every page and the chart library's
 * own DOM, and labels, error-summary links and aria-describedby find their ids across elements.
 * The console is a page of its own, so there is no host page whose styles could leak in.
 * Each renders again when the organiser picks another language.
 */
export class LightElement extends LitElement {
  private _stopLanguage: (() => void) | undefined;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this._stopLanguage = onLanguageChange(() => this.languageChanged());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._stopLanguage?.();
  }

  /** The console now speaks another language: render again in it. */
  protected languageChanged(): void {
    this.requestUpdate();
  }
}

/** Defines `tag` once, as the widget does: a second copy of the script must not throw. */
export function define(tag: string, element: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, element);
}
