/**
 * The console's pages as paths under /admin/ (History API: the receiver answers index.html for
 * every /admin/* path, server/src/routes/console/pages.ts). Pure: parse a path, write one back.
 */

/** Where the console lives on the receiver. */
export const BASE = '/admin/';

/** The pages of one campaign, each a tab of its own. */
export type CampaignPage = 'overview' | 'edit' | 'embed' | 'export' | 'review';
export const CAMPAIGN_PAGES: readonly CampaignPage[] = ['overview', 'edit', 'embed', 'export', 'review'];

export type Route =
  | { page: 'login'; next?: string }
  | { page: 'campaigns' }
  | { page: CampaignPage; id: string }
  | { page: 'erasure' }
  | { page: 'not-found'; path: string };

/** The route of `pathname` (and its query, for the login page's `next`). */
export function parseRoute(pathname: string, search = ''): Route {
  if (!pathname.startsWith(BASE)) return { page: 'not-found', path: pathname };
  const parts = pathname.slice(BASE.length).split('/').filter(Boolean);
  let decoded: string[];
  try {
    decoded = parts.map((part) => decodeURIComponent(part));
  } catch {
    return { page: 'not-found', path: pathname };
  }
  const [first, id, sub, ...rest] = decoded;
  if (first === undefined) return { page: 'campaigns' };
  if (first === 'login' && id === undefined) {
    const next = new URLSearchParams(search).get('next');
    return next && isConsolePath(next) ? { page: 'login', next } : { page: 'login' };
  }
  if (first === 'erasure' && id === undefined) return { page: 'erasure' };
  if (first === 'campaigns' && id !== undefined && rest.length === 0) {
    if (sub === undefined) return { page: 'overview', id };
    if ((CAMPAIGN_PAGES as readonly string[]).includes(sub) && sub !== 'overview') return { page: sub as CampaignPage, id };
  }
  return { page: 'not-found', path: pathname };
}

/** The path of `route`. */
export function pathOf(route: Route): string {
  switch (route.page) {
    case 'login':
      return `${BASE}login${route.next ? `?next=${encodeURIComponent(route.next)}` : ''}`;
    case 'campaigns':
      return BASE;
    case 'erasure':
      return `${BASE}erasure`;
    case 'overview':
      return `${BASE}campaigns/${encodeURIComponent(route.id)}`;
    case 'not-found':
      return route.path;
    default:
      return `${BASE}campaigns/${encodeURIComponent(route.id)}/${route.page}`;
  }
}

/** Whether `path` is one of the console's own (a login's `next` may only lead there). */
export function isConsolePath(path: string): boolean {
  return path.startsWith(BASE) && !path.startsWith('//') && !/[\\\s]/.test(path);
}

/** Two routes show the same page. */
export function sameRoute(a: Route, b: Route): boolean {
  return pathOf(a) === pathOf(b);
}
