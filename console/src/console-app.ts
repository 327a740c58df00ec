/**
 * The console's shell: the session, the pages by path (History API, under /admin/), the banner and
 * navigation, the live region for status messages, and the focus moved to each new page's heading.
 */
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { ApiError, api, onSessionEnded } from './internal/api.js';
import { chooseLanguage, consoleLanguage, consoleLanguages, startI18n, t } from './internal/i18n.js';
import { LightElement } from './internal/light-element.js';
import { BASE, isConsolePath, parseRoute, pathOf, sameRoute, type Route } from './internal/router.js';

/**
 * The whole console, `<console-app>` in index.html. Pages talk to it by events
 * (internal/events.ts): `console-announce`, `console-navigate`, `console-signed-in`.
 */
export class ConsoleApp extends LightElement {
  @state() private _ready = false;
  @state() private _route: Route = parseRoute(location.pathname, location.search);
  /** The organiser of the session; undefined while it is being checked. */
  @state() private _organiser: string | null | undefined;
  @state() private _status = '';
  /** A route change waits to move the focus until its page has rendered. */
  private _focusPending = false;
  private _stopListening: (() => void) | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('click', this._onClick);
    this.addEventListener('console-navigate', (event) => this._go(parseRoute(...splitPath(event.detail.path)), event.detail.replace));
    this.addEventListener('console-announce', (event) => this._announce(event.detail.message));
    this.addEventListener('console-signed-in', (event) => {
      this._organiser = event.detail.email;
      const next = this._route.page === 'login' ? this._route.next : undefined;
      this._go(parseRoute(...splitPath(next ?? BASE)), true);
    });
    window.addEventListener('popstate', this._onPopState);
    this._stopListening = onSessionEnded(() => this._sessionEnded());
    void this._start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this._onPopState);
    this._stopListening?.();
  }

  private async _start(): Promise<void> {
    await startI18n();
    try {
      this._organiser = (await api.me()).organiser.email;
    } catch (error) {
      this._organiser = null;
      if (!(error instanceof ApiError && error.status === 401)) this._status = t('app.unreachable');
    }
    this._ready = true;
    if (this._organiser === null && this._route.page !== 'login') this._go({ page: 'login', next: pathOf(this._route) }, true, false);
    if (this._organiser && this._route.page === 'login') this._go({ page: 'campaigns' }, true, false);
    this._setTitle();
  }

  protected override languageChanged(): void {
    super.languageChanged();
    this._setTitle();
  }

  private _sessionEnded(): void {
    if (this._organiser === null) return;
    this._organiser = null;
    const next = this._route.page === 'login' ? undefined : pathOf(this._route);
    this._go({ page: 'login', next }, true);
    this._announce(t('login.sessionEnded'));
  }

  private readonly _onPopState = () => {
    const route = parseRoute(location.pathname, location.search);
    // A fragment link (#main, an error summary's) changes no page.
    if (sameRoute(route, this._route)) return;
    this._show(route);
  };

  /** Links to the console's own pages change the page without loading it again. */
  private readonly _onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element).closest?.('a[href]');
    if (!(link instanceof HTMLAnchorElement) || link.target || link.hasAttribute('download')) return;
    const url = new URL(link.href);
    if (url.origin !== location.origin || !isConsolePath(url.pathname) || url.hash) return;
    event.preventDefault();
    this._go(parseRoute(url.pathname, url.search));
  };

  private _go(route: Route, replace = false, focus = true): void {
    if (this._organiser === null && route.page !== 'login') route = { page: 'login', next: pathOf(route) };
    const path = pathOf(route);
    if (replace) history.replaceState(null, '', path);
    else if (path !== location.pathname + location.search) history.pushState(null, '', path);
    this._show(route, focus);
  }

  private _show(route: Route, focus = true): void {
    this._route = route;
    this._status = '';
    this._focusPending = focus;
    this._setTitle();
  }

  private _announce(message: string): void {
    // Emptied first so the same message twice is announced twice.
    this._status = '';
    requestAnimationFrame(() => {
      this._status = message;
    });
  }

  private _setTitle(): void {
    const route = this._route;
    const page = t(`titles.${route.page}`, 'id' in route ? { id: route.id } : {});
    document.title = t('app.documentTitle', { page });
  }

  private async _logout(): Promise<void> {
    try {
      await api.logout();
    } catch {
      // The cookie is cleared whatever the answer; the login page is shown either way.
    }
    this._organiser = null;
    this._go({ page: 'login' });
    this._announce(t('login.loggedOut'));
  }

  protected override async updated(changed: PropertyValues): Promise<void> {
    if (!changed.has('_route') || !this._focusPending) return;
    this._focusPending = false;
    const page = this.querySelector<HTMLElement & { updateComplete?: Promise<unknown> }>('#main > :last-child');
    await page?.updateComplete;
    // The page's heading: a screen reader says where the organiser arrived.
    this.querySelector<HTMLElement>('#main h1')?.focus();
  }

  protected override render(): TemplateResult {
    if (!this._ready) return html`<p class="loading" role="status">${this._status}</p>`;
    const signedIn = !!this._organiser;
    return html`<a class="skip-link" href="#main">${t('app.skip')}</a>
      <header class="banner">
        <p class="brand"><a href=${BASE}>${t('app.name')}</a></p>
        ${signedIn
          ? html`<nav aria-label=${t('app.navigation')}>
              <ul>
                ${this._navLink({ page: 'campaigns' }, t('nav.campaigns'))} ${this._navLink({ page: 'erasure' }, t('nav.erasure'))}
              </ul>
            </nav>`
          : nothing}
        ${this._languageChoice()}
        ${signedIn
          ? html`<div class="account">
              <span>${t('app.signedInAs', { email: this._organiser })}</span>
              <button type="button" class="secondary" @click=${() => this._logout()}>${t('app.logout')}</button>
            </div>`
          : nothing}
      </header>
      <p class="status" role="status">${this._status}</p>
      <main id="main" tabindex="-1">${this._page()}</main>`;
  }

  /** The console's languages, each named in itself ("Deutsch", "فارسی"), so an organiser finds theirs whatever the console speaks. */
  private _languageChoice(): TemplateResult {
    const current = consoleLanguage();
    const languages = consoleLanguages()
      .map((code) => ({ code, name: autonym(code) }))
      .sort((a, b) => a.name.localeCompare(b.name, 'en'));
    return html`<div class="language-choice">
      <label for="console-language">${t('app.language')}</label>
      <select id="console-language" @change=${(event: Event) => void chooseLanguage((event.target as HTMLSelectElement).value)}>
        ${languages.map(({ code, name }) => html`<option value=${code} lang=${code} ?selected=${code === current}>${name}</option>`)}
      </select>
    </div>`;
  }

  private _navLink(route: Route, label: string): TemplateResult {
    const current = this._route.page === route.page || (route.page === 'campaigns' && 'id' in this._route);
    return html`<li><a href=${pathOf(route)} aria-current=${current ? 'page' : nothing}>${label}</a></li>`;
  }

  private _page(): TemplateResult {
    const route = this._route;
    switch (route.page) {
      case 'login':
        return html`<login-page></login-page>`;
      case 'campaigns':
        return html`<campaigns-page></campaigns-page>`;
      case 'overview':
        return html`<overview-page .campaignId=${route.id}></overview-page>`;
      case 'edit':
        return html`<edit-page .campaignId=${route.id}></edit-page>`;
      case 'embed':
        return html`<embed-page .campaignId=${route.id}></embed-page>`;
      case 'export':
        return html`<export-page .campaignId=${route.id}></export-page>`;
      case 'review':
        return html`<review-page .campaignId=${route.id}></review-page>`;
      case 'erasure':
        return html`<erasure-page></erasure-page>`;
      default:
        return html`<section>
          <h1 tabindex="-1">${t('notFound.title')}</h1>
          <p>${t('notFound.text')}</p>
          <p><a href=${BASE}>${t('notFound.back')}</a></p>
        </section>`;
    }
  }
}

/** A language's own name for itself, capitalised as it begins a line: `fr` → "Français". */
function autonym(code: string): string {
  try {
    const name = new Intl.DisplayNames([code], { type: 'language' }).of(code) ?? code;
    return name.charAt(0).toLocaleUpperCase(code) + name.slice(1);
  } catch {
    return code;
  }
}

/** `/admin/login?next=…` → its path and query. */
function splitPath(path: string): [string, string] {
  const url = new URL(path, location.origin);
  return [url.pathname, url.search];
}

declare global {
  interface HTMLElementTagNameMap {
    'console-app': ConsoleApp;
  }
}
