/**
 * The edit page's preview frame (/admin/preview): the real built widget (/admin/widget/appeal-widget.js)
 * showing the draft the console posts here, before it is saved.
 *
 * The widget reads its campaign document with fetch. Under the console's policy it can fetch only
 * from this origin, and a draft exists nowhere on the receiver, so this page answers two addresses
 * of its own itself: the draft document, and a signature endpoint that takes nothing (a signature
 * made in the preview is answered as the receiver would and goes nowhere). Every other request
 * (the widget's locale files and icons) goes to the network as usual. Framed by the console only
 * (frame-ancestors 'self'); messages are taken from the console's own window only.
 */
import './preview.css';

const DOCUMENT_PATH = '/admin/preview/campaign.json';
const ENDPOINT_PATH = '/admin/preview/signatures';
const WIDGET_SCRIPT = '/admin/widget/appeal-widget.js';

interface PreviewMessage {
  type: 'appeal-preview';
  id: string;
  lang: string;
  document: Record<string, unknown>;
}

let draft: Record<string, unknown> = { texts: {} };
let revision = 0;

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const networkFetch = window.fetch.bind(window);
window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
  const url = new URL(input instanceof Request ? input.url : String(input), location.href);
  if (url.origin === location.origin && url.pathname === DOCUMENT_PATH) return Promise.resolve(json(draft));
  if (url.origin === location.origin && url.pathname === ENDPOINT_PATH) {
    const count = typeof draft['count'] === 'number' ? draft['count'] + 1 : 1;
    return Promise.resolve(draft['status'] === 'closed' ? json({ error: 'closed' }, 410) : json({ ok: true, count, letter: 'none' }, 201));
  }
  return networkFetch(input, init);
};

function isPreviewMessage(data: unknown): data is PreviewMessage {
  const message = data as Partial<PreviewMessage> | null;
  return message?.type === 'appeal-preview' && typeof message.id === 'string' && typeof message.lang === 'string' && typeof message.document === 'object';
}

let widget: HTMLElement | undefined;

window.addEventListener('message', (event) => {
  if (event.origin !== location.origin || event.source !== window.parent || !isPreviewMessage(event.data)) return;
  const { id, lang, document: next } = event.data;
  draft = next;
  revision += 1;
  if (!widget) {
    widget = document.createElement('appeal-widget');
    widget.setAttribute('endpoint', ENDPOINT_PATH);
    document.getElementById('preview')?.append(widget);
  }
  widget.setAttribute('campaign', id);
  widget.setAttribute('lang', lang);
  // A new address makes the widget read the document again.
  widget.setAttribute('campaign-url', `${DOCUMENT_PATH}?revision=${revision}`);
});

const script = document.createElement('script');
script.src = WIDGET_SCRIPT;
script.addEventListener('load', () => window.parent.postMessage({ type: 'appeal-preview-ready' }, location.origin));
script.addEventListener('error', () => {
  const main = document.getElementById('preview');
  if (main) main.textContent = 'The widget is not built (npm run build).';
});
document.head.append(script);
