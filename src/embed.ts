/**
 * The one-script-tag embed (built as the classic IIFE `appeal-widget.js`): registers the element
 * and, when the `<script>` that loaded it carries `data-endpoint`, inserts a widget after it,
 * configured by its `data-*` attributes. Locale files and icons are found beside the script (the
 * build reads `import.meta.url`, in setup/assets.ts, from `document.currentScript`), or in the
 * folder its `data-assets-url` names, for pages whose optimisers move or merge scripts.
 */
import { TAG_NAME } from './appeal-widget.js';
import { setAssetsBaseUrl } from './setup/assets.js';
import { mountAfterScript } from './setup/script-tag.js';

// NOTE: currentScript is only set while a classic script first runs, async and defer included.
const script = document.currentScript;
if (script instanceof HTMLScriptElement) {
  try {
    // For the widgets written in the page too: a bare tag may name the folder for all of them.
    const assets = script.dataset['assetsUrl'];
    if (assets) setAssetsBaseUrl(assets);
    mountAfterScript(script, TAG_NAME);
  } catch (error) {
    // The host page must never break because of the widget.
    console.error('[appeal-widget] Could not insert the widget:', error);
  }
}
