import type { ConfigProblem, WidgetConfig } from '../setup/read-config.js';
import type { CampaignController } from '../setup/campaign-controller.js';
import type { LanguageController } from '../setup/language-controller.js';
import type { CountController } from './appeal/count-controller.js';
import type { Journey, JourneyEvent } from './journey.js';
import type { DeliveryController } from './sending/delivery-controller.js';

/**
 * What the steps read from the widget and do to it. `AppealWidget` implements it; the `_` members
 * are internal to this package (and shortened in the build), the rest are its attributes and Lit's.
 */
export interface StepHost extends HTMLElement {
  readonly _journey: Journey;
  /** Moves the journey on (steps/journey.ts) and re-renders. */
  _dispatch(event: JourneyEvent): void;
  /** Translates `key` in the widget's language. */
  _t(key: string, values?: Record<string, unknown>): string;
  /** The attributes, read and checked once per change. */
  readonly _config: WidgetConfig;
  /** What is wrong with the attributes or the campaign document: the widget then shows no form. */
  readonly _problems: readonly ConfigProblem[];
  readonly _language: LanguageController;
  readonly _campaign: CampaignController;
  readonly _count: CountController;
  readonly _delivery: DeliveryController;
  /** The share step's icons, fetched while the signer types. */
  _icons: Record<string, unknown> | undefined;
  requestUpdate(): void;
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly updateComplete: Promise<boolean>;
  readonly endpoint?: string;
  readonly organiser?: string;
  readonly privacyUrl?: string;
  readonly shareUrl?: string;
  readonly shareText?: string;
  readonly assetsUrl?: string;
}

/** Moves focus to `selector` in the widget once the render under way is done. */
export async function focusAfterRender(host: StepHost, selector: string): Promise<void> {
  await host.updateComplete;
  host.renderRoot.querySelector<HTMLElement>(selector)?.focus();
}
