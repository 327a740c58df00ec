/**
 * The console's check that a state-changing request (POST, PUT, PATCH, DELETE) comes from a page
 * of the receiver itself, so another site cannot make an organiser's browser log in, log out or
 * change a campaign (cross-site request forgery; SameSite=Strict is the second fence).
 *
 * The receiver's own origin is PUBLIC_URL's when it is set, else the request's scheme and Host
 * (X-Forwarded-Proto/Host only from a proxy TRUST_PROXY trusts). Taking the Host is sound HERE,
 * unlike for the public API (app.ts's originGuard): after DNS rebinding a foreign page does get
 * Origin = Host = its own name, but the browser holds no session cookie for that name, so it can
 * change nothing an organiser could. Set PUBLIC_URL to make the origin fixed.
 *
 * Browsers send `Origin` on every POST, PUT, PATCH and DELETE, fetch or form. When it is missing,
 * `Sec-Fetch-Site: same-origin` (which no page's script can set) is accepted instead; a request
 * with neither (curl, a script) is refused: scripts use the admin API with ADMIN_TOKEN.
 */
import type { FastifyRequest } from 'fastify';

export const STATE_CHANGING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface OriginRefusal {
  error: 'cross-origin' | 'origin-missing';
  message: string;
}

/** The origin of `scheme://host`, or undefined when that is not a URL. */
function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** The receiver's own origin for this request. */
export function ownOrigin(request: FastifyRequest, publicUrl: string | undefined): string | undefined {
  return publicUrl !== undefined ? originOf(publicUrl) : originOf(`${request.protocol}://${request.host}`);
}

/** Why `request` is refused as not same-origin, or undefined when it may go on. */
export function sameOriginRefusal(request: FastifyRequest, publicUrl: string | undefined): OriginRefusal | undefined {
  const origin = request.headers.origin;
  const own = ownOrigin(request, publicUrl);
  if (origin !== undefined) {
    if (own !== undefined && originOf(origin) === own && origin.toLowerCase() === own.toLowerCase()) return undefined;
    return {
      error: 'cross-origin',
      message: `The console only takes changes from its own pages (${own ?? 'this receiver'}), not from ${origin.slice(0, 200)}.`,
    };
  }
  if (request.headers['sec-fetch-site'] === 'same-origin') return undefined;
  return {
    error: 'origin-missing',
    message: 'The console only takes changes from its own pages, and this request says neither its Origin nor Sec-Fetch-Site: same-origin. Scripts use the admin API with ADMIN_TOKEN.',
  };
}
