/**
 * The confirmation email (delivery.confirm): to the signer's own address, From MAIL_FROM, in the
 * signer's language, with the link to the page whose button releases their letter. Pure.
 */
import type Mail from 'nodemailer/lib/mailer';
import { cleanLine, domainOf, MAX_DISPLAY_NAME_LENGTH, MAX_SUBJECT_LENGTH, type MailFrom } from './compose-letter.ts';
import { confirmTexts } from './confirm-texts.ts';
import type { ConfirmationToSend } from './sqlite-confirmations.ts';

/** The link in the email: PUBLIC_URL (no trailing slash) + `/confirm/<token>`. */
export function confirmLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/confirm/${encodeURIComponent(token)}`;
}

/** `<confirm-<signature id>@<MAIL_FROM domain>>`: one per signature, the same on a retry. */
export function confirmationMessageId(signatureId: string, mailFromAddress: string): string {
  return `<confirm-${signatureId.replace(/[^A-Za-z0-9-]/g, '')}@${domainOf(mailFromAddress)}>`;
}

/** Builds the nodemailer message for one confirmation email. */
export function composeConfirmation(confirmation: ConfirmationToSend, mailFrom: MailFrom, publicUrl: string): Mail.Options {
  const texts = confirmTexts(confirmation.locale);
  const letterSubject = cleanLine(confirmation.subject, MAX_SUBJECT_LENGTH);
  const text = [
    texts.emailIntro,
    confirmLink(publicUrl, confirmation.token),
    letterSubject ? `${texts.emailLetter} ${letterSubject}` : '',
    texts.emailIfNothing,
  ].filter((part) => part !== '').join('\n\n');
  const to = confirmation.recipient.email;
  return {
    // The organisation's own name: this email is from the campaign, not from the signer.
    from: { name: mailFrom.name, address: mailFrom.address },
    to: { name: cleanLine(confirmation.recipient.name, MAX_DISPLAY_NAME_LENGTH), address: to },
    subject: texts.emailSubject,
    text: `${text}\n`,
    messageId: confirmationMessageId(confirmation.id, mailFrom.address),
    envelope: { from: mailFrom.address, to: [to] },
    disableFileAccess: true,
    disableUrlAccess: true,
    xMailer: false,
  };
}
