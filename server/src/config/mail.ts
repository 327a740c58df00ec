/**
 * How letters leave (SPEC §9.2): SMTP_URL, MAIL_FROM and the optional DKIM_* key.
 */
import { parseMailFrom, type MailFrom } from '../letters/compose-letter.ts';
import { checkSmtpUrl, dkimFromEnv, type DkimSettings } from '../letters/mail-transport.ts';
import type { Env } from './env.ts';

/** The SMTP server, the sender and the DKIM key letters leave with. */
export interface MailConfig {
  smtpUrl: string;
  mailFrom: MailFrom;
  dkim: DkimSettings | undefined;
}

/** SMTP_URL, MAIL_FROM and DKIM_*: all or nothing, so a half-configured server says so at start. */
export function parseMail(env: Env, smtpUrl: string, mailFromRaw: string, problems: string[]): MailConfig | undefined {
  const { dkim, problems: dkimProblems } = dkimFromEnv(env);
  problems.push(...dkimProblems);
  if (smtpUrl === '') {
    if (mailFromRaw !== '' || dkim) problems.push('MAIL_FROM and DKIM_* need SMTP_URL (where letters are sent), which is not set');
    return undefined;
  }
  const smtpProblems = checkSmtpUrl(smtpUrl);
  problems.push(...smtpProblems);
  if (mailFromRaw === '') {
    problems.push('MAIL_FROM is required with SMTP_URL: the address letters come from, e.g. "Free Erlan Baltabay" <letters@union.example>');
    return undefined;
  }
  const mailFrom = parseMailFrom(mailFromRaw);
  if (!mailFrom.ok) {
    problems.push(mailFrom.error);
    return undefined;
  }
  if (dkim && !mailFrom.address.toLowerCase().endsWith(`@${dkim.domainName.toLowerCase()}`)) {
    problems.push(`DKIM_DOMAIN (${dkim.domainName}) must be MAIL_FROM's domain (${mailFrom.address}), or DMARC fails`);
  }
  if (smtpProblems.length > 0) return undefined;
  return { smtpUrl, mailFrom: { address: mailFrom.address, name: mailFrom.name }, dkim };
}
