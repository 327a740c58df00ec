/**
 * The shape check of a campaign document (SPEC §5), shared by the widget (which shows the site
 * owner what is wrong, src/setup/campaign-document.ts) and the receiver (which refuses to store a
 * campaign it could not serve, server/src/campaigns/campaign-input.ts). Pure and free of DOM
 * types, so both can import it.
 */

/** Longest text accepted anywhere in a document, so a runaway file cannot flood the page. */
const MAX_TEXT = 20_000;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What is wrong at `path` if `value` is not an object of texts with at least the `required` keys. */
function textsProblem(value: unknown, path: string, required: string[] = []): string | undefined {
  if (!isRecord(value)) return `${path}: expected an object`;
  for (const key of new Set([...required, ...Object.keys(value)])) {
    const text = value[key];
    if (typeof text !== 'string' || text.length > MAX_TEXT) return `${path}.${key}: expected text of at most ${MAX_TEXT} characters`;
  }
  return undefined;
}

/**
 * What is wrong with `letter.mailto`, the addresses a signer's own mail program writes to (SPEC §9.4):
 * 1 to 50 bare addresses. No display name, comma or line break, which would add recipients or
 * headers to the `mailto:` link.
 */
function mailtoProblem(value: unknown): string | undefined {
  return Array.isArray(value) &&
    value.length > 0 &&
    value.length <= 50 &&
    value.every((address) => typeof address === 'string' && address.length <= 254 && /^[^\s@,;<>()"?&%:\\]+@[^\s@,;<>()"?&%:\\]+\.[^\s@,;<>()"?&%:\\]+$/.test(address))
    ? undefined
    : 'letter.mailto: expected a list of 1 to 50 plain email addresses';
}

/**
 * The first problem of a parsed campaign document, as `path: problem`, or undefined when it fits
 * SPEC §5. Hand-written: a schema library cost 2.3 KB gzipped of the embed's 30 KB for these few rules.
 */
export function documentProblem(data: unknown): string | undefined {
  if (!isRecord(data) || !isRecord(data.texts)) return 'texts: expected an object of languages';
  const { goal, texts, letter, replyTo } = data;
  if (goal !== undefined && !(Number.isSafeInteger(goal) && (goal as number) > 0)) return 'goal: expected a whole number above 0';
  if (replyTo !== undefined && typeof replyTo !== 'boolean') return 'replyTo: expected true or false';
  const problems = Object.entries(texts).map(([language, entry]) =>
    // `fr_FR` or `French` would make Intl throw when the language menu names it.
    /^[a-z]{2,3}(-[a-z\d]{2,8})*$/i.test(language) ? textsProblem(entry, `texts.${language}`) : `texts.${language}: not a language tag`,
  );
  if (letter !== undefined) {
    const { to, mailto, ...versions } = isRecord(letter) ? letter : { to: 0 };
    // A language may name the target in its own words with its own `to`.
    problems.push(
      typeof to === 'string' ? undefined : 'letter.to: expected text naming the target',
      mailto === undefined ? undefined : mailtoProblem(mailto),
      ...Object.entries(versions).map(([language, entry]) => textsProblem(entry, `letter.${language}`, ['subject', 'body'])),
    );
  }
  return problems.find(Boolean);
}
