/**
 * Texts of the receipt email (delivery.receipt) in the widget's languages. MACHINE-DRAFTED:
 * written by a language model, not yet checked by native speakers; corrections welcome (see
 * TRANSLATING.md). The language is chosen like the confirmation's (confirmLanguage: exact, then
 * the base language, then English).
 */
import { confirmLanguage } from './confirm-texts.ts';

/** Every text the receipt shows. */
export interface ReceiptTexts {
  subject: string;
  /** Followed by one line per target: its name and when the letter reached it (UTC). */
  intro: string;
  outro: string;
}

const TEXTS: Record<string, ReceiptTexts> = {
  en: { subject: 'Your letter was delivered', intro: 'Thank you for signing. Your letter was delivered to these recipients, at the time shown (UTC):', outro: 'You do not need to do anything.' },
  fr: { subject: 'Votre lettre a été remise', intro: 'Merci d\'avoir signé. Votre lettre a été remise à ces destinataires, à l\'heure indiquée (UTC) :', outro: 'Vous n\'avez rien à faire.' },
  de: { subject: 'Ihr Brief wurde zugestellt', intro: 'Danke für Ihre Unterschrift. Ihr Brief wurde diesen Empfängern zur angegebenen Zeit (UTC) zugestellt:', outro: 'Sie müssen nichts weiter tun.' },
  es: { subject: 'Su carta fue entregada', intro: 'Gracias por firmar. Su carta fue entregada a estos destinatarios, a la hora indicada (UTC):', outro: 'No necesita hacer nada más.' },
  it: { subject: 'La tua lettera è stata consegnata', intro: 'Grazie per aver firmato. La tua lettera è stata consegnata a questi destinatari, all\'ora indicata (UTC):', outro: 'Non devi fare altro.' },
  pt: { subject: 'A sua carta foi entregue', intro: 'Obrigado por assinar. A sua carta foi entregue a estes destinatários, na hora indicada (UTC):', outro: 'Não precisa de fazer mais nada.' },
  nl: { subject: 'Uw brief is bezorgd', intro: 'Bedankt voor het ondertekenen. Uw brief is bezorgd bij deze ontvangers, op het aangegeven tijdstip (UTC):', outro: 'U hoeft verder niets te doen.' },
  ru: { subject: 'Ваше письмо доставлено', intro: 'Спасибо за подпись. Ваше письмо доставлено этим адресатам в указанное время (UTC):', outro: 'Больше ничего делать не нужно.' },
  kk: { subject: 'Сіздің хатыңыз жеткізілді', intro: 'Қол қойғаныңызға рахмет. Сіздің хатыңыз көрсетілген уақытта (UTC) мына алушыларға жеткізілді:', outro: 'Сізге басқа ештеңе істеудің қажеті жоқ.' },
  tr: { subject: 'Mektubunuz teslim edildi', intro: 'İmzaladığınız için teşekkürler. Mektubunuz belirtilen saatte (UTC) şu alıcılara teslim edildi:', outro: 'Başka bir şey yapmanıza gerek yok.' },
  ar: { subject: 'تم تسليم رسالتك', intro: 'شكرًا لتوقيعك. تم تسليم رسالتك إلى هؤلاء المرسَل إليهم في الوقت المبيَّن (UTC):', outro: 'لا حاجة لأن تفعل أي شيء.' },
  zh: { subject: '您的信件已送达', intro: '感谢您的签名。您的信件已在所示时间（UTC）送达以下收件人：', outro: '您无需再做任何操作。' },
};

/** The texts for `locale`, English when the language has none. */
export function receiptTexts(locale: string | undefined): ReceiptTexts {
  return TEXTS[confirmLanguage(locale)] ?? TEXTS.en!;
}

/** The languages with texts (for tests). */
export const RECEIPT_LANGUAGES: readonly string[] = Object.keys(TEXTS);
