/** The ES module entry: registers `<appeal-widget>` and exports its class and types. */
export { AppealWidget, TAG_NAME } from './appeal-widget.js';
export type { AppealErrorDetail, AppealErrorKind, AppealShareDetail, AppealSignedDetail, AppealSubmitDetail } from './events.js';
export type { SignaturePayload } from './send/payload.js';
export type { ShareChannel } from './share/share-links.js';
