/**
 * The proof-of-work step's place in the form, for a campaign that turned it on (README "Bots and
 * floods"): `<appeal-pow>`, defined by pow/appeal-pow.js beside the embed, which is loaded only
 * then, so the embed carries no proof-of-work code. The sending step asks it for the payload.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { assetsFolder } from '../../setup/assets.js';
import type { StepHost } from '../step-host.js';

let requested = false;

/** `<appeal-pow>` with the receiver's challenge, when there is one; its script is added to the page once. */
export function renderProofOfWork(host: StepHost): TemplateResult | typeof nothing {
  const { pow } = host._count;
  if (!pow) return nothing;
  if (!requested) {
    requested = true;
    document.head.append(Object.assign(document.createElement('script'), { src: `${assetsFolder(host.assetsUrl)}pow/appeal-pow.js` }));
  }
  return html`<appeal-pow part="pow" challenge=${JSON.stringify(pow)}></appeal-pow>`;
}
