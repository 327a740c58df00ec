/** Turns an embedding `<script data-endpoint data-*>` tag into an `<appeal-widget>` right after it (SPEC §2.1). */

const MOUNTED = 'appealWidgetMounted';

/**
 * Inserts the widget after `script`, copying each `data-*` attribute; does nothing the second time,
 * nor for a tag without `data-endpoint`: a bare `<script src>` only defines the element for the
 * `<appeal-widget>` tags written in the page, and the `data-*` an optimiser or a plugin adds to a
 * tag of its own must not mount a stray widget.
 */
export function mountAfterScript(script: HTMLScriptElement, tagName: string): HTMLElement | undefined {
  if (!script.hasAttribute('data-endpoint')) {
    // A tag that names the widget's own attributes was meant to mount one: tell the site owner why it did not.
    const element = customElements.get(tagName) as { observedAttributes?: string[] } | undefined;
    const named = element?.observedAttributes?.find((name) => script.hasAttribute(`data-${name}`));
    if (named) console.warn(`[appeal-widget] A script tag with data-${named} and no data-endpoint inserts no widget: add data-endpoint.`);
    return undefined;
  }
  if (script.dataset[MOUNTED] || !script.parentNode) return undefined;
  const widget = script.ownerDocument.createElement(tagName);
  // `data-onclick` must not become an `onclick` handler: configuration never turns into script.
  for (const { name, value } of script.attributes) {
    if (name.startsWith('data-') && !name.startsWith('data-on')) widget.setAttribute(name.slice(5), value);
  }
  script.dataset[MOUNTED] = 'true';
  script.after(widget);
  return widget;
}
