/**
 * Which answers carry CORS headers (@fastify/cors, decided per request): the configured origins
 * may call the public API from the browser; the admin and console APIs (organisers' scripts and
 * the console on the receiver itself) and the dev pages (/dev/mail/, the captured letters) never answer another
 * origin, by whatever spelling of their path.
 */
import type { FastifyCorsOptions } from '@fastify/cors';
import type { FastifyRequest } from 'fastify';
import { isOriginAllowed, type AllowedOrigins } from '../config/allowed-origins.ts';

type CorsDelegate = (request: FastifyRequest, callback: (error: Error | null, options: FastifyCorsOptions) => void) => void;

/** Routes for organisers (admin API, console) and the dev pages: never answered with CORS headers. */
function isPrivateRequest(request: FastifyRequest): boolean {
  const isPrivate = (path: string) => path.startsWith('/api/admin/') || path.startsWith('/api/console/') || path.startsWith('/dev/');
  // The matched route catches /api/%61dmin/…; the URL itself catches preflights (matched by CORS's
  // catch-all), decoded as the router decodes it, so a preflight for /api/%61dmin/… gets none either.
  return isPrivate(request.routeOptions.url ?? '') || isPrivate(request.url) || isPrivate(decodedPath(request.url));
}

function decodedPath(url: string): string {
  try {
    return decodeURIComponent(url.split('?', 1)[0]!);
  } catch {
    return url;
  }
}

/** The @fastify/cors options for `allowed`: a delegate that decides by the matched route. */
export function corsByRoute(allowed: AllowedOrigins): () => CorsDelegate {
  return () => (request, callback) => {
    const origin = request.headers.origin;
    callback(null, {
      // The browser enforces this; the POST route also refuses foreign origins (see its originGuard).
      origin: origin !== undefined && !isPrivateRequest(request) && isOriginAllowed(origin, allowed),
      methods: ['GET', 'POST'],
      allowedHeaders: ['Content-Type', 'Authorization'],
      // The widget reads Retry-After on a 429; cross-origin it must be exposed explicitly.
      exposedHeaders: ['Retry-After'],
      maxAge: 600,
    });
  };
}
