import type { SignaturePayload } from './contract/signature.js';
import type { ShareChannel } from './steps/thanks/share-links.js';

/** `appeal-submit`: a valid form is about to be sent; the host may add to `payload` or cancel. */
export interface AppealSubmitDetail {
  payload: SignaturePayload;
}
/** `appeal-signed`: the endpoint accepted the signature. */
export interface AppealSignedDetail {
  payload: SignaturePayload;
  response: { status: number; body: unknown };
}
/** What went wrong, for `appeal-error`. */
export type AppealErrorKind = 'config' | 'network' | 'timeout' | 'server' | 'rate-limited' | 'rejected' | 'closed' | 'internal';
/** `appeal-error`: a send failed or the configuration is broken. */
export interface AppealErrorDetail {
  kind: AppealErrorKind;
  message: string;
}
/** `appeal-share`: the signer used a share channel. */
export interface AppealShareDetail {
  channel: ShareChannel | 'native';
  url: string;
}

declare global {
  interface GlobalEventHandlersEventMap {
    'appeal-submit': CustomEvent<AppealSubmitDetail>;
    'appeal-signed': CustomEvent<AppealSignedDetail>;
    'appeal-error': CustomEvent<AppealErrorDetail>;
    'appeal-share': CustomEvent<AppealShareDetail>;
  }
}

interface EventDetails {
  'appeal-submit': AppealSubmitDetail;
  'appeal-signed': AppealSignedDetail;
  'appeal-error': AppealErrorDetail;
  'appeal-share': AppealShareDetail;
}

/** Dispatches a widget event with the same defaults everywhere; returns false if the host cancelled it. */
export function emit<K extends keyof EventDetails>(
  target: EventTarget,
  name: K,
  detail: EventDetails[K],
  cancelable = false,
): boolean {
  return target.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, cancelable, detail }));
}
