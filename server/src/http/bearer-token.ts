/** Bearer-token checks for the organiser's endpoints (the admin API, the CSV export). */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Why a request was refused: the status and the JSON body to answer with. */
export interface TokenDenial {
  status: 401 | 403;
  error: string;
  message: string;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * True when `token` equals one of `accepted`. Every comparison is constant-time over SHA-256
 * digests (so any length), and every accepted token is compared, so timing tells nothing.
 */
export function tokenMatches(token: string, accepted: readonly (string | undefined)[]): boolean {
  const given = digest(token);
  let match = false;
  for (const expected of accepted) if (expected !== undefined && timingSafeEqual(given, digest(expected))) match = true;
  return match;
}

/** Checks a request's Authorization header against the tokens that open `realm`. */
export function checkBearer(
  header: string | undefined,
  accepted: readonly (string | undefined)[],
  realm: string,
): TokenDenial | undefined {
  const token = bearerToken(header);
  if (token === undefined) {
    return { status: 401, error: 'unauthorized', message: `Send the ${realm} token as "Authorization: Bearer <token>".` };
  }
  return tokenMatches(token, accepted) ? undefined : { status: 403, error: 'forbidden', message: `The ${realm} token is not valid.` };
}
