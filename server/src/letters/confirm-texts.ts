/**
 * Texts of the confirmation email and the confirmation page (delivery.confirm), in the widget's
 * languages. MACHINE-DRAFTED: written by a language model, not yet checked by native speakers;
 * corrections welcome (see TRANSLATING.md). Kept beside the receiver, not in locales/: the
 * widget never shows them.
 */

/** Every text the confirmation flow shows. */
export interface ConfirmTexts {
  emailSubject: string;
  emailIntro: string;
  emailLetter: string;
  emailIfNothing: string;
  pageTitle: string;
  pageIntro: string;
  button: string;
  sentTitle: string;
  sentText: string;
  unknownTitle: string;
  unknownText: string;
  expiredTitle: string;
  expiredText: string;
  refusedTitle: string;
  refusedText: string;
}

const TEXTS: Record<string, ConfirmTexts> = {
  en: {
    emailSubject: 'Confirm your letter',
    emailIntro: 'Thank you for signing. Your letter is waiting: it is sent only once you confirm it. Open this link and press the button "Send my letter":',
    emailLetter: 'Your letter:',
    emailIfNothing: 'If you do nothing, no letter is sent and the link stops working after 7 days. If you did not sign, ignore this email.',
    pageTitle: 'Send your letter',
    pageIntro: 'Press the button to send this letter to its recipients:',
    button: 'Send my letter',
    sentTitle: 'Your letter is on its way',
    sentText: 'Thank you. You can close this page.',
    unknownTitle: 'This link is not valid',
    unknownText: 'Check that you opened the whole link from the email.',
    expiredTitle: 'This link has expired',
    expiredText: 'Letters not confirmed within 7 days are not sent.',
    refusedTitle: 'This request was refused',
    refusedText: 'Open the link from the email and press the button on that page.',
  },
  fr: {
    emailSubject: 'Confirmez votre lettre',
    emailIntro: 'Merci d\'avoir signé. Votre lettre attend : elle ne part qu\'une fois confirmée. Ouvrez ce lien et appuyez sur le bouton « Envoyer ma lettre » :',
    emailLetter: 'Votre lettre :',
    emailIfNothing: 'Si vous ne faites rien, aucune lettre n\'est envoyée et le lien cesse de fonctionner après 7 jours. Si vous n\'avez pas signé, ignorez ce message.',
    pageTitle: 'Envoyer votre lettre',
    pageIntro: 'Appuyez sur le bouton pour envoyer cette lettre à ses destinataires :',
    button: 'Envoyer ma lettre',
    sentTitle: 'Votre lettre est en route',
    sentText: 'Merci. Vous pouvez fermer cette page.',
    unknownTitle: 'Ce lien n\'est pas valable',
    unknownText: 'Vérifiez que vous avez ouvert le lien complet du message.',
    expiredTitle: 'Ce lien a expiré',
    expiredText: 'Les lettres non confirmées dans les 7 jours ne sont pas envoyées.',
    refusedTitle: 'Cette demande a été refusée',
    refusedText: 'Ouvrez le lien du message et appuyez sur le bouton de cette page.',
  },
  de: {
    emailSubject: 'Bestätigen Sie Ihren Brief',
    emailIntro: 'Danke für Ihre Unterschrift. Ihr Brief wartet: Er wird erst versandt, wenn Sie ihn bestätigen. Öffnen Sie diesen Link und drücken Sie den Knopf „Meinen Brief senden“:',
    emailLetter: 'Ihr Brief:',
    emailIfNothing: 'Wenn Sie nichts tun, wird kein Brief versandt, und der Link funktioniert nach 7 Tagen nicht mehr. Wenn Sie nicht unterschrieben haben, ignorieren Sie diese E-Mail.',
    pageTitle: 'Ihren Brief senden',
    pageIntro: 'Drücken Sie den Knopf, um diesen Brief an seine Empfänger zu senden:',
    button: 'Meinen Brief senden',
    sentTitle: 'Ihr Brief ist unterwegs',
    sentText: 'Danke. Sie können diese Seite schließen.',
    unknownTitle: 'Dieser Link ist ungültig',
    unknownText: 'Prüfen Sie, ob Sie den ganzen Link aus der E-Mail geöffnet haben.',
    expiredTitle: 'Dieser Link ist abgelaufen',
    expiredText: 'Briefe, die nicht innerhalb von 7 Tagen bestätigt werden, werden nicht versandt.',
    refusedTitle: 'Diese Anfrage wurde abgelehnt',
    refusedText: 'Öffnen Sie den Link aus der E-Mail und drücken Sie den Knopf auf jener Seite.',
  },
  es: {
    emailSubject: 'Confirme su carta',
    emailIntro: 'Gracias por firmar. Su carta está en espera: solo se envía cuando usted la confirma. Abra este enlace y pulse el botón «Enviar mi carta»:',
    emailLetter: 'Su carta:',
    emailIfNothing: 'Si no hace nada, no se envía ninguna carta y el enlace deja de funcionar a los 7 días. Si usted no firmó, ignore este correo.',
    pageTitle: 'Enviar su carta',
    pageIntro: 'Pulse el botón para enviar esta carta a sus destinatarios:',
    button: 'Enviar mi carta',
    sentTitle: 'Su carta está en camino',
    sentText: 'Gracias. Puede cerrar esta página.',
    unknownTitle: 'Este enlace no es válido',
    unknownText: 'Compruebe que abrió el enlace completo del correo.',
    expiredTitle: 'Este enlace ha caducado',
    expiredText: 'Las cartas no confirmadas en 7 días no se envían.',
    refusedTitle: 'Esta solicitud fue rechazada',
    refusedText: 'Abra el enlace del correo y pulse el botón de esa página.',
  },
  it: {
    emailSubject: 'Conferma la tua lettera',
    emailIntro: 'Grazie per aver firmato. La tua lettera è in attesa: parte solo quando la confermi. Apri questo link e premi il pulsante «Invia la mia lettera»:',
    emailLetter: 'La tua lettera:',
    emailIfNothing: 'Se non fai nulla, nessuna lettera viene inviata e il link smette di funzionare dopo 7 giorni. Se non hai firmato, ignora questa email.',
    pageTitle: 'Invia la tua lettera',
    pageIntro: 'Premi il pulsante per inviare questa lettera ai suoi destinatari:',
    button: 'Invia la mia lettera',
    sentTitle: 'La tua lettera è in viaggio',
    sentText: 'Grazie. Puoi chiudere questa pagina.',
    unknownTitle: 'Questo link non è valido',
    unknownText: 'Controlla di aver aperto il link completo dell\'email.',
    expiredTitle: 'Questo link è scaduto',
    expiredText: 'Le lettere non confermate entro 7 giorni non vengono inviate.',
    refusedTitle: 'Questa richiesta è stata rifiutata',
    refusedText: 'Apri il link dell\'email e premi il pulsante su quella pagina.',
  },
  pt: {
    emailSubject: 'Confirme a sua carta',
    emailIntro: 'Obrigado por assinar. A sua carta está à espera: só é enviada depois de a confirmar. Abra este link e carregue no botão «Enviar a minha carta»:',
    emailLetter: 'A sua carta:',
    emailIfNothing: 'Se não fizer nada, nenhuma carta é enviada e o link deixa de funcionar ao fim de 7 dias. Se não assinou, ignore este email.',
    pageTitle: 'Enviar a sua carta',
    pageIntro: 'Carregue no botão para enviar esta carta aos destinatários:',
    button: 'Enviar a minha carta',
    sentTitle: 'A sua carta está a caminho',
    sentText: 'Obrigado. Pode fechar esta página.',
    unknownTitle: 'Este link não é válido',
    unknownText: 'Verifique se abriu o link completo do email.',
    expiredTitle: 'Este link expirou',
    expiredText: 'As cartas não confirmadas em 7 dias não são enviadas.',
    refusedTitle: 'Este pedido foi recusado',
    refusedText: 'Abra o link do email e carregue no botão dessa página.',
  },
  nl: {
    emailSubject: 'Bevestig uw brief',
    emailIntro: 'Dank u voor het tekenen. Uw brief wacht: hij wordt pas verstuurd als u hem bevestigt. Open deze link en druk op de knop "Mijn brief versturen":',
    emailLetter: 'Uw brief:',
    emailIfNothing: 'Als u niets doet, wordt er geen brief verstuurd en werkt de link na 7 dagen niet meer. Hebt u niet getekend, negeer deze e-mail dan.',
    pageTitle: 'Uw brief versturen',
    pageIntro: 'Druk op de knop om deze brief naar de ontvangers te sturen:',
    button: 'Mijn brief versturen',
    sentTitle: 'Uw brief is onderweg',
    sentText: 'Dank u. U kunt deze pagina sluiten.',
    unknownTitle: 'Deze link is niet geldig',
    unknownText: 'Controleer of u de hele link uit de e-mail hebt geopend.',
    expiredTitle: 'Deze link is verlopen',
    expiredText: 'Brieven die niet binnen 7 dagen zijn bevestigd, worden niet verstuurd.',
    refusedTitle: 'Dit verzoek is geweigerd',
    refusedText: 'Open de link uit de e-mail en druk op de knop op die pagina.',
  },
  ru: {
    emailSubject: 'Подтвердите ваше письмо',
    emailIntro: 'Спасибо за подпись. Ваше письмо ждёт: оно будет отправлено только после вашего подтверждения. Откройте эту ссылку и нажмите кнопку «Отправить моё письмо»:',
    emailLetter: 'Ваше письмо:',
    emailIfNothing: 'Если ничего не делать, письмо не будет отправлено, а ссылка перестанет работать через 7 дней. Если вы не подписывали, не обращайте внимания на это письмо.',
    pageTitle: 'Отправить ваше письмо',
    pageIntro: 'Нажмите кнопку, чтобы отправить это письмо адресатам:',
    button: 'Отправить моё письмо',
    sentTitle: 'Ваше письмо отправляется',
    sentText: 'Спасибо. Эту страницу можно закрыть.',
    unknownTitle: 'Эта ссылка недействительна',
    unknownText: 'Проверьте, что вы открыли ссылку из письма целиком.',
    expiredTitle: 'Срок действия ссылки истёк',
    expiredText: 'Письма, не подтверждённые в течение 7 дней, не отправляются.',
    refusedTitle: 'Запрос отклонён',
    refusedText: 'Откройте ссылку из письма и нажмите кнопку на той странице.',
  },
  kk: {
    emailSubject: 'Хатыңызды растаңыз',
    emailIntro: 'Қол қойғаныңыз үшін рахмет. Хатыңыз күтіп тұр: ол сіз растағаннан кейін ғана жіберіледі. Осы сілтемені ашып, «Хатымды жіберу» түймесін басыңыз:',
    emailLetter: 'Сіздің хатыңыз:',
    emailIfNothing: 'Ештеңе істемесеңіз, хат жіберілмейді, ал сілтеме 7 күннен кейін жұмыс істемейді. Егер сіз қол қоймаған болсаңыз, бұл хатқа назар аудармаңыз.',
    pageTitle: 'Хатыңызды жіберу',
    pageIntro: 'Бұл хатты алушыларға жіберу үшін түймені басыңыз:',
    button: 'Хатымды жіберу',
    sentTitle: 'Хатыңыз жолда',
    sentText: 'Рахмет. Бұл бетті жабуға болады.',
    unknownTitle: 'Бұл сілтеме жарамсыз',
    unknownText: 'Хаттағы сілтемені толық ашқаныңызды тексеріңіз.',
    expiredTitle: 'Бұл сілтеменің мерзімі өтті',
    expiredText: '7 күн ішінде расталмаған хаттар жіберілмейді.',
    refusedTitle: 'Бұл сұрау қабылданбады',
    refusedText: 'Хаттағы сілтемені ашып, сол беттегі түймені басыңыз.',
  },
  tr: {
    emailSubject: 'Mektubunuzu onaylayın',
    emailIntro: 'İmzaladığınız için teşekkürler. Mektubunuz bekliyor: yalnızca siz onayladıktan sonra gönderilir. Bu bağlantıyı açın ve "Mektubumu gönder" düğmesine basın:',
    emailLetter: 'Mektubunuz:',
    emailIfNothing: 'Hiçbir şey yapmazsanız mektup gönderilmez ve bağlantı 7 gün sonra çalışmaz. İmzalamadıysanız bu e-postayı dikkate almayın.',
    pageTitle: 'Mektubunuzu gönderin',
    pageIntro: 'Bu mektubu alıcılarına göndermek için düğmeye basın:',
    button: 'Mektubumu gönder',
    sentTitle: 'Mektubunuz yolda',
    sentText: 'Teşekkürler. Bu sayfayı kapatabilirsiniz.',
    unknownTitle: 'Bu bağlantı geçerli değil',
    unknownText: 'E-postadaki bağlantının tamamını açtığınızdan emin olun.',
    expiredTitle: 'Bu bağlantının süresi doldu',
    expiredText: '7 gün içinde onaylanmayan mektuplar gönderilmez.',
    refusedTitle: 'Bu istek reddedildi',
    refusedText: 'E-postadaki bağlantıyı açın ve o sayfadaki düğmeye basın.',
  },
  ar: {
    emailSubject: 'أكّد رسالتك',
    emailIntro: 'شكرًا لتوقيعك. رسالتك في الانتظار: لن تُرسل إلا بعد أن تؤكدها. افتح هذا الرابط واضغط على زر «أرسل رسالتي»:',
    emailLetter: 'رسالتك:',
    emailIfNothing: 'إذا لم تفعل شيئًا، فلن تُرسل أي رسالة وسيتوقف الرابط عن العمل بعد 7 أيام. إذا لم توقّع، فتجاهل هذا البريد.',
    pageTitle: 'أرسل رسالتك',
    pageIntro: 'اضغط على الزر لإرسال هذه الرسالة إلى المرسَل إليهم:',
    button: 'أرسل رسالتي',
    sentTitle: 'رسالتك في طريقها',
    sentText: 'شكرًا. يمكنك إغلاق هذه الصفحة.',
    unknownTitle: 'هذا الرابط غير صالح',
    unknownText: 'تأكد من أنك فتحت الرابط الكامل من البريد.',
    expiredTitle: 'انتهت صلاحية هذا الرابط',
    expiredText: 'الرسائل التي لا تُؤكَّد خلال 7 أيام لا تُرسل.',
    refusedTitle: 'رُفض هذا الطلب',
    refusedText: 'افتح الرابط من البريد واضغط على الزر في تلك الصفحة.',
  },
  zh: {
    emailSubject: '请确认您的信件',
    emailIntro: '感谢您的签名。您的信件正在等待：只有在您确认后才会发出。请打开此链接并点击“发送我的信件”按钮：',
    emailLetter: '您的信件：',
    emailIfNothing: '如果您不做任何操作，信件不会发出，链接将在 7 天后失效。如果您没有签名，请忽略此邮件。',
    pageTitle: '发送您的信件',
    pageIntro: '点击按钮，将这封信发送给收件人：',
    button: '发送我的信件',
    sentTitle: '您的信件已在路上',
    sentText: '谢谢。您可以关闭此页面。',
    unknownTitle: '此链接无效',
    unknownText: '请确认您打开的是邮件中的完整链接。',
    expiredTitle: '此链接已过期',
    expiredText: '7 天内未确认的信件不会发出。',
    refusedTitle: '此请求被拒绝',
    refusedText: '请打开邮件中的链接，并点击该页面上的按钮。',
  },
};

/** Languages written right to left, for the page's `dir`. */
const RIGHT_TO_LEFT = new Set(['ar']);

/** The language used for `locale`: exact, then its base language, then English. */
export function confirmLanguage(locale: string | undefined): string {
  const wanted = (locale ?? '').toLowerCase();
  if (Object.hasOwn(TEXTS, wanted)) return wanted;
  const base = wanted.split('-')[0] ?? '';
  return Object.hasOwn(TEXTS, base) ? base : 'en';
}

/** The texts for `locale`, English when the language has none. */
export function confirmTexts(locale: string | undefined): ConfirmTexts {
  return TEXTS[confirmLanguage(locale)]!;
}

/** The page's text direction for a language code from confirmLanguage. */
export function textDirection(language: string): 'rtl' | 'ltr' {
  return RIGHT_TO_LEFT.has(language) ? 'rtl' : 'ltr';
}

/** The languages with texts (for tests). */
export const CONFIRM_LANGUAGES: readonly string[] = Object.keys(TEXTS);
