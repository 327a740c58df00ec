/**
 * What a failed send means for the letter (SPEC §9.3), decided from nodemailer's error alone
 * (pure). The rule that keeps a letter from arriving twice: once any byte of the message went to
 * the server, a failure without a reply is `unknown`, because the server may have kept it.
 *
 * nodemailer reports a dropped connection as `ECONNECTION` with `command: 'CONN'` whether it
 * happened before MAIL FROM or after the final dot (checked against smtp-server), so the error
 * cannot tell those apart. `createMailTransport` therefore sets `dataStarted` on its errors (from
 * the message stream's `readableDidRead`, which only turns true after the 354 reply to DATA).
 * Without that flag we fall back to the conservative reading: a mid-session drop is `unknown`.
 */

export type SendOutcomeKind = 'temporary' | 'permanent' | 'unknown';

/** The fields of a nodemailer error we read; all optional, the set depends on where it failed. */
export interface SendErrorLike {
  message?: string;
  code?: string;
  command?: string;
  response?: string;
  responseCode?: number;
  permanent?: boolean;
  originalCode?: string;
  timeoutType?: string;
  /** Set by createMailTransport: whether the connection had begun reading the message data. */
  dataStarted?: boolean;
}

/** Setup failures: nothing of the message can have reached a server. */
const BEFORE_SESSION_CODES = new Set(['EDNS', 'ETLS', 'EREQUIRETLS', 'EPROXY', 'EAUTH', 'ENOAUTH', 'EOAUTH2', 'ECONFIG']);
/** System codes of a connection that never opened. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
/** Errors of our own making that no retry can cure. */
const OUR_MESSAGE_IS_UNSENDABLE = new Set(['EMAXRECIPIENTS', 'EFILEACCESS', 'EURLACCESS']);

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim().slice(0, 500);

/** Classifies a send error: 4xx → temporary, 5xx → permanent, a drop after the data → unknown. */
export function classifySendError(error: unknown): { kind: SendOutcomeKind; response: string } {
  const e: SendErrorLike = typeof error === 'object' && error !== null ? (error as SendErrorLike) : { message: String(error) };
  const response = describe(e);
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;

  if (code !== undefined && code >= 400 && code < 600) {
    // Authentication is about our credentials, not this letter: failing every letter for a
    // mistyped password would be wrong, so it is retried (and logged) until fixed or 48 h pass.
    if (e.code === 'EAUTH' || /^AUTH\b/i.test(e.command ?? '')) return { kind: 'temporary', response };
    // 503 "bad sequence" says the session was off, not that the message is refused (nodemailer
    // agrees: permanent=false). Everything else 5xx is a permanent refusal (RFC 5321 §4.2.1).
    if (code >= 500 && code !== 503) return { kind: 'permanent', response };
    return { kind: 'temporary', response };
  }
  if (e.code && OUR_MESSAGE_IS_UNSENDABLE.has(e.code)) return { kind: 'permanent', response };
  if (e.code && BEFORE_SESSION_CODES.has(e.code)) return { kind: 'temporary', response };
  if (e.timeoutType === 'CONNECT_TIMEOUT' || e.timeoutType === 'GREETING_TIMEOUT' || e.timeoutType === 'UPGRADE_TIMEOUT') {
    return { kind: 'temporary', response };
  }
  if (e.originalCode && NEVER_CONNECTED.has(e.originalCode)) return { kind: 'temporary', response };

  if (e.dataStarted === true) return { kind: 'unknown', response };
  if (e.dataStarted === false) return { kind: 'temporary', response };
  // No flag: judge by the command in flight. Replies to commands before DATA carry a code and
  // were handled above; a bare 'DATA' (or no idea at all) may have carried the message.
  if (e.command && /^(EHLO|HELO|LHLO|STARTTLS|MAIL FROM|RCPT TO|API)$/i.test(e.command)) return { kind: 'temporary', response };
  return { kind: 'unknown', response };
}

/** The SMTP reply if there was one, else the error's code and message; one line, capped. */
function describe(e: SendErrorLike): string {
  if (e.response) return oneLine(e.response);
  const parts = [e.code, e.originalCode && e.originalCode !== e.code ? `(${e.originalCode})` : undefined, e.timeoutType, e.message];
  return oneLine(parts.filter(Boolean).join(' ')) || 'unknown error';
}
