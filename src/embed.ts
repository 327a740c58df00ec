/**
 * The one-script-tag embed (built as the classic IIFE `appeal-widget.js`): registers the element
 * and inserts a widget after the `<script>` that loaded it, configured by its `data-*` attributes.
 * Locale files and icons are found beside the script: the build reads `import.meta.url` (in
 * assets.ts) from `document.currentScript`.
 */
import { TAG_NAME } from './appeal-widget.js';
import { mountAfterScript } from './config/script-tag.js';

// NOTE: currentScript is only set while a classic script first runs, async and defer included.
const script = document.currentScript;
if (script instanceof HTMLScriptElement) {
  try {
    mountAfterScript(script, TAG_NAME);
  } catch (error) {
    // The host page must never break because of the widget.
    console.error('[appeal-widget] Could not insert the widget:', error);
  }
}
