/** Turns an embedding `<script data-*>` tag into an `<appeal-widget>` right after it. */

const MOUNTED = 'appealWidgetMounted';

/**
 * Inserts the widget after `script`, copying each `data-*` attribute; does nothing the second time,
 * nor for a bare `<script src>`, which only defines the element for `<appeal-widget>` tags written in the page.
 */
export function mountAfterScript(script: HTMLScriptElement, tagName: string): HTMLElement | undefined {
  // `data-onclick` must not become an `onclick` handler: configuration never turns into script.
  const attributes = [...script.attributes].filter(({ name }) => name.startsWith('data-') && !name.startsWith('data-on'));
  if (script.dataset[MOUNTED] || !script.parentNode || !attributes.length) return undefined;
  script.dataset[MOUNTED] = 'true';
  const widget = script.ownerDocument.createElement(tagName);
  for (const { name, value } of attributes) widget.setAttribute(name.slice(5), value);
  script.after(widget);
  return widget;
}
