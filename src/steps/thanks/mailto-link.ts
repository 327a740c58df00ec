/** The `mailto:` link that hands the signer's letter to their own mail program (SPEC §9.4). */

/** Longest link: Chrome on Windows fails near 2,000 characters, Firefox near 2,008, ShellExecute near 2,081. */
export const MAILTO_MAX = 1900;

/**
 * RFC 6068 encoding: `encodeURIComponent` writes spaces as `%20` (never `+`), and every line break
 * becomes `%0D%0A`, since iOS Mail ignores a bare `%0A`.
 */
const encode = (text: string) => encodeURIComponent(text.replace(/\r?\n/g, '\r\n'));

/** The letter as a mail link, and whether its body had to be shortened to stay under `MAILTO_MAX`. */
export interface MailtoLink {
  href: string;
  shortened: boolean;
}

/**
 * `mailto:` with every address (comma-separated), the subject and the body. When the link would be
 * `MAILTO_MAX` characters or more, the body is cut (never inside a character) and ends with
 * `note`, which tells the reader the full letter is to be pasted; `signature` (the signer's name)
 * closes the body either way.
 */
export function mailtoLink(addresses: readonly string[], subject: string, body: string, signature: string, note: string): MailtoLink {
  const start = `mailto:${addresses.join(',')}?subject=${encode(subject)}&body=`;
  const end = signature && encode(`\n\n${signature}`);
  const whole = `${start}${encode(body)}${end}`;
  if (whole.length < MAILTO_MAX) return { href: whole, shortened: false };
  const characters = [...body];
  const cut = (count: number) => `${start}${encode(`${characters.slice(0, count).join('').trimEnd()}…\n\n${note}`)}${end}`;
  // The longest cut that fits: encoded lengths grow with the count, so a binary search finds it.
  let [fits, tooLong] = [0, characters.length];
  while (tooLong - fits > 1) {
    const middle = (fits + tooLong) >> 1;
    if (cut(middle).length < MAILTO_MAX) fits = middle;
    else tooLong = middle;
  }
  return { href: cut(fits), shortened: true };
}
