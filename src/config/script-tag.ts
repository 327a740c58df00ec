/** Turns an embedding `<script data-*>` tag into an `<appeal-widget>` right after it. */

const MOUNTED = 'appealWidgetMounted';

/** Inserts the widget after `script`, copying each `data-*` attribute; does nothing the second time. */
export function mountAfterScript(script: HTMLScriptElement, tagName: string): HTMLElement | undefined {
  if (script.dataset[MOUNTED] || !script.parentNode) return undefined;
  script.dataset[MOUNTED] = 'true';
  const widget = script.ownerDocument.createElement(tagName);
  for (const { name, value } of Array.from(script.attributes)) {
    if (name.startsWith('data-') && name !== 'data-appeal-widget-mounted') widget.setAttribute(name.slice(5), value);
  }
  script.after(widget);
  return widget;
}
