/**
 * Where the receiver sits on the network: the proxies in front of it (TRUST_PROXY), whose
 * X-Forwarded-For it believes, and the address signers reach it at (PUBLIC_URL).
 */
import { isIP } from 'node:net';

/**
 * TRUST_PROXY: false, a hop count, or the proxies' addresses/CIDRs. `true` is refused: it takes
 * the FIRST X-Forwarded-For entry, which the client writes itself, so every request could pick a
 * fresh rate-limit key.
 */
export function parseTrustProxy(raw: string, problems: string[]): false | number | string[] {
  const lower = raw.toLowerCase();
  if (lower === 'false' || lower === '0' || lower === 'no') return false;
  if (lower === 'true' || lower === 'yes') {
    problems.push(
      'TRUST_PROXY=true trusts every X-Forwarded-For entry, so a client could choose its own address (and escape the rate limit): ' +
        'set the hop count of your proxies (1 for one reverse proxy) or their addresses/CIDRs (e.g. 127.0.0.1)',
    );
    return false;
  }
  if (/^\d+$/.test(raw)) return Number(raw);
  const entries = raw.split(',').map((part) => part.trim()).filter(Boolean);
  const bad = entries.filter((entry) => {
    const [address, bits, ...rest] = entry.split('/');
    if (rest.length > 0 || address === undefined || isIP(address) === 0) return true;
    return bits !== undefined && !/^\d{1,3}$/.test(bits);
  });
  if (entries.length === 0 || bad.length > 0) {
    problems.push(
      `TRUST_PROXY must be false, a hop count, or a comma list of proxy IP addresses/CIDRs, got '${raw}'`,
    );
    return false;
  }
  return entries;
}

/**
 * PUBLIC_URL: the receiver's address as a signer's browser reaches it (`https://letters.union.example`
 * or, behind a proxy, `https://union.example/appeal`); confirmation emails link to
 * `<PUBLIC_URL>/confirm/<token>`. http(s), no query, fragment or login; trailing slashes dropped.
 */
export function parsePublicUrl(raw: string, problems: string[]): string | undefined {
  if (raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`PUBLIC_URL must be an http(s) URL such as https://letters.union.example, got '${raw}'`);
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '' || /[?#]/.test(raw)) {
    problems.push(`PUBLIC_URL must be an http(s) URL without query, fragment or login, such as https://letters.union.example, got '${raw}'`);
    return undefined;
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
