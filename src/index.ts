/** The ES module entry: registers `<appeal-widget>` and exports its class and types. */
export { AppealWidget, TAG_NAME } from './appeal-widget.js';
/** Where `locales/` and `assets/` live when a bundler moved the module away from `dist/`. */
export { setAssetsBaseUrl } from './setup/assets.js';
export type { AppealErrorDetail, AppealErrorKind, AppealShareDetail, AppealSignedDetail, AppealSubmitDetail } from './events.js';
export type { SignaturePayload } from './contract/signature.js';
export type { ShareChannel } from './steps/thanks/share-links.js';
