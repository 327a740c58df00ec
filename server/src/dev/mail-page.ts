/**
 * The page `npm start` serves at /dev/mail/: every letter the local capture server received,
 * shown as the target's mail program would show it (sender, recipient, subject, plain text),
 * newest first. Everything in it came from signers, so every value is escaped, and the page is
 * served with a CSP that allows no script at all.
 */

/** One captured email, as the page shows it. */
export interface CapturedMail {
  id: number;
  receivedAt: Date;
  envelope: { from: string; to: string[] };
  headers: { from: string; to: string; replyTo?: string | undefined; subject: string; messageId: string; date: string };
  text: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

/** The Content-Security-Policy the page is served with: its own stylesheet, nothing else. */
export const MAIL_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function row(label: string, value: string | undefined): string {
  return value ? `<div><dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd></div>` : '';
}

function renderMail(mail: CapturedMail): string {
  const { headers, envelope } = mail;
  return `<article aria-labelledby="mail-${mail.id}">
  <h2 id="mail-${mail.id}">${escapeHtml(headers.subject || '(no subject)')}</h2>
  <dl>
    ${row('From', headers.from)}
    ${row('To', headers.to)}
    ${row('Reply-To', headers.replyTo)}
    ${row('Date', headers.date)}
    ${row('Message-ID', headers.messageId)}
    ${row('Envelope', `MAIL FROM ${envelope.from} → RCPT TO ${envelope.to.join(', ')}`)}
  </dl>
  <pre>${escapeHtml(mail.text)}</pre>
</article>`;
}

/** The whole page, newest letter first. */
export function renderMailbox(mails: readonly CapturedMail[], smtpAddress: string): string {
  const list = [...mails].reverse().map(renderMail).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Letters sent (local capture) – appeal-widget</title>
<style>
  body { font: 1rem/1.5 system-ui, sans-serif; max-width: 50rem; margin: 0 auto; padding: 1rem; color: #1a1a1a; background: #fff; }
  article { border: 1px solid #767676; border-radius: 0.5rem; padding: 1rem; margin-block: 1rem; }
  h2 { font-size: 1.15rem; margin: 0 0 0.5rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 0.75rem; margin: 0 0 0.75rem; }
  dl div { display: contents; }
  dt { font-weight: 600; }
  dd { margin: 0; overflow-wrap: anywhere; }
  pre { white-space: pre-wrap; font: inherit; background: #f3f3f3; padding: 0.75rem; border-radius: 0.25rem; margin: 0; }
  a { color: #0b57d0; }
</style>
</head>
<body>
<main>
<h1>Letters sent to the targets</h1>
<p>With no <code>SMTP_URL</code>, <code>npm start</code> delivers every letter to a local mail server
(${escapeHtml(smtpAddress)}) instead of the targets, and shows here what each target would receive.
Nothing leaves this computer. <a href="/dev/mail/">Refresh</a> · <a href="/">Back to the demo</a></p>
<p role="status">${mails.length === 0 ? 'No letter yet: sign the demo campaign.' : `${mails.length} ${mails.length === 1 ? 'letter' : 'letters'} received.`}</p>
${list}
</main>
</body>
</html>
`;
}
