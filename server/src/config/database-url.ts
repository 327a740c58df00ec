/** DATABASE_URL: which PostgreSQL database the receiver uses instead of its SQLite file. */

/** The URL as given when it names a PostgreSQL database; a problem (and undefined) otherwise; undefined when unset. */
export function parseDatabaseUrl(raw: string, problems: string[]): string | undefined {
  if (raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push("DATABASE_URL must be a URL such as postgres://user:password@host:5432/appeal, got something that does not parse");
    return undefined;
  }
  // Never echo the URL itself: it usually holds the password.
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    problems.push(`DATABASE_URL must start with postgres:// or postgresql://, got '${url.protocol}//…'`);
    return undefined;
  }
  if (url.pathname.length <= 1) {
    problems.push('DATABASE_URL must name a database (postgres://user:password@host:5432/<database>)');
    return undefined;
  }
  return raw;
}
