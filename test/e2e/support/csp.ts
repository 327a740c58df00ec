/** The strict Content Security Policy the README recommends: no inline script or style, no eval, only 'self'. */
export const STRICT_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'";
