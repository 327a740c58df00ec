/**
 * The receipt email (delivery.receipt): to the signer's own address, From MAIL_FROM, in the
 * signer's language, naming the targets their letter reached and when. Pure. Nothing the signer
 * typed goes into a header except their display name, through cleanLine like every header.
 */
import type Mail from 'nodemailer/lib/mailer';
import { cleanLine, domainOf, MAX_DISPLAY_NAME_LENGTH, type MailFrom } from './compose-letter.ts';
import { receiptTexts } from './receipt-texts.ts';
import type { ReceiptToSend } from './sqlite-receipts.ts';

/** `<receipt-<signature id>@<MAIL_FROM domain>>`: one per signature, the same on a retry. */
export function receiptMessageId(signatureId: string, mailFromAddress: string): string {
  return `<receipt-${signatureId.replace(/[^A-Za-z0-9-]/g, '')}@${domainOf(mailFromAddress)}>`;
}

/** `2026-12-01 09:45 UTC`: the same in every language. */
function utcMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Builds the nodemailer message for one receipt. */
export function composeReceipt(receipt: ReceiptToSend, mailFrom: MailFrom): Mail.Options {
  if (receipt.delivered.length === 0) throw new Error('a receipt needs at least one sent letter');
  const texts = receiptTexts(receipt.locale);
  const lines = receipt.delivered.map((target) => `- ${cleanLine(target.name, 200)}: ${utcMinute(target.sentAt)}`);
  const to = receipt.recipient.email;
  return {
    from: { name: mailFrom.name, address: mailFrom.address },
    to: { name: cleanLine(receipt.recipient.name, MAX_DISPLAY_NAME_LENGTH), address: to },
    subject: texts.subject,
    text: `${texts.intro}\n\n${lines.join('\n')}\n\n${texts.outro}\n`,
    messageId: receiptMessageId(receipt.id, mailFrom.address),
    envelope: { from: mailFrom.address, to: [to] },
    disableFileAccess: true,
    disableUrlAccess: true,
    xMailer: false,
  };
}
