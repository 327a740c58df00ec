/**
 * The proof-of-work step (README "Bots and floods"), shipped beside the embed as
 * `pow/appeal-pow.js` and loaded by it only for a campaign that turned proof of work on, so the
 * embed does not grow: `<appeal-pow challenge="…">` shows ALTCHA's widget (its strict-CSP build,
 * its worker and stylesheet from the same folder) in the widget's language, with the strings of
 * the widget's own locale files (`pow.*`), and solves the receiver's challenge; `solve()` hands the
 * embed the payload to send, solving first if the signer has not.
 */
import 'altcha/external';

interface AltchaElement extends HTMLElement {
  verify(): Promise<{ payload: string } | null>;
}

interface AltchaGlobal {
  algorithms: Map<string, () => Worker>;
  i18n: { set(language: string, strings: Record<string, string>): void; get(language: string): Record<string, string> | undefined };
}

declare const $altcha: AltchaGlobal;

/** The folder this file was loaded from: the worker, the stylesheet and `../locales/` are beside it. */
const here = (document.currentScript as HTMLScriptElement | null)?.src ?? document.baseURI;
const url = (path: string) => new URL(path, here).href;

// NOTE: a worker must come from the page's own origin; with the widget's files on another site
// the browser refuses it and ALTCHA reports an error (the signature is then held back, not lost).
$altcha.algorithms.set('PBKDF2/SHA-256', () => new Worker(url('pbkdf2.js')));

/**
 * The locale files' texts for ALTCHA, by the name ALTCHA gives each. Written out as message ids
 * so `npm run i18n:check` sees every `pow.*` key this file reads.
 */
const POW_TEXTS = {
  label: 'pow.label',
  verify: 'pow.verify',
  verifying: 'pow.verifying',
  verified: 'pow.verified',
  waitAlert: 'pow.waitAlert',
  verificationRequired: 'pow.verificationRequired',
  error: 'pow.error',
  expired: 'pow.expired',
  loading: 'pow.loading',
  reload: 'pow.reload',
} as const;

/** The `pow` strings of the widget's locale file for `language` (region, then language, then English). */
async function strings(language: string): Promise<Record<string, string>> {
  for (const code of new Set([language, language.split('-')[0]!, 'en'])) {
    try {
      const response = await fetch(url(`../locales/${code}.json`), { credentials: 'omit' });
      const file = response.ok ? ((await response.json()) as { pow?: Record<string, unknown> }).pow : undefined;
      const pow = Object.entries(POW_TEXTS).flatMap(([name, key]) => {
        const text = file?.[key.slice('pow.'.length)];
        return typeof text == 'string' ? [[name, text] as const] : [];
      });
      if (pow.length) return Object.fromEntries(pow);
    } catch {
      // The next language in the chain.
    }
  }
  return {};
}

/** `<appeal-pow challenge="<the receiver's challenge, as JSON>">`: ALTCHA in the widget's language. */
class AppealPow extends HTMLElement {
  private _payload: string | undefined;
  private _ready: Promise<AltchaElement> | undefined;

  connectedCallback(): void {
    this._ready ??= this._build();
  }

  private async _build(): Promise<AltchaElement> {
    const language = (this.closest('[lang]') as HTMLElement | null)?.lang || 'en';
    // ALTCHA draws without a shadow root of its own: its stylesheet goes where it is drawn.
    const sheet = Object.assign(document.createElement('link'), { rel: 'stylesheet', href: url('altcha.css') });
    const widget = document.createElement('altcha-widget') as AltchaElement;
    // ALTCHA's English stays under what a locale file does not translate (its audio and code challenges, unused here).
    const words = { ...$altcha.i18n.get('en'), ...(await strings(language)) };
    $altcha.i18n.set(language, words);
    // ALTCHA changes its label but announces nothing: a status line says each change to screen readers
    // (the widget's own `visually-hidden` class, as this element lives in its shadow root).
    const status = Object.assign(document.createElement('p'), { className: 'visually-hidden' });
    status.setAttribute('role', 'status');
    widget.addEventListener('statechange', (event) => {
      const { state, payload } = (event as CustomEvent<{ state: string; payload?: string }>).detail;
      this._payload = state === 'verified' ? payload : undefined;
      status.textContent = { verifying: words['verifying'], verified: words['verified'], error: words['error'], expired: words['expired'] }[state] ?? '';
    });
    // Not 'onfocus': a keyboard user who reaches the box and presses Space would stop the check it
    // had started. Ticked, or solved when the form is sent (solve()). As attributes, set before it connects: its methods only exist once it has mounted.
    const settings = { challenge: this.getAttribute('challenge') ?? '', language, auto: 'off', type: 'checkbox' };
    for (const [name, value] of Object.entries(settings)) widget.setAttribute(name, value);
    widget.setAttribute('configuration', JSON.stringify({ hideFooter: true, hideLogo: true, workers: 2 }));
    this.append(sheet, widget, status);
    return widget;
  }

  /** The payload to send: solved now if the signer has not ticked the box yet; undefined if it cannot be. */
  async solve(): Promise<string | undefined> {
    const widget = await (this._ready ??= this._build());
    if (!this._payload) this._payload = (await widget.verify().catch(() => null))?.payload;
    return this._payload;
  }
}

if (!customElements.get('appeal-pow')) customElements.define('appeal-pow', AppealPow);
