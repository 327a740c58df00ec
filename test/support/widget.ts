// Helpers for driving <appeal-widget> the way a signer would, and reading what the endpoint got.
import type { AppealWidget } from '../../src/appeal-widget.js';

let bucketCounter = 0;

/** A fresh endpoint URL on the test server; each test gets its own record of requests. */
export function endpoint(query = ''): { url: string; bucket: string } {
  const bucket = `b${Date.now().toString(36)}${(bucketCounter++).toString(36)}`;
  return { url: `/test-endpoint/${bucket}${query ? `?${query}` : ''}`, bucket };
}

/** One request as the endpoint recorded it. */
export interface ReceivedRequest {
  method: string;
  contentType: string;
  body: string;
  status: number;
}

/** The requests the endpoint received for `bucket`. */
export async function received(bucket: string): Promise<ReceivedRequest[]> {
  const response = await fetch(`/test-endpoint/${bucket}/received`);
  return (await response.json()) as ReceivedRequest[];
}

/** The widget's shadow root. */
export function shadow(el: AppealWidget): ShadowRoot {
  if (!el.shadowRoot) throw new Error('no shadow root');
  return el.shadowRoot;
}

/** The control named `name` in the widget. */
export function control<T extends HTMLElement = HTMLInputElement>(el: AppealWidget, name: string): T {
  const found = shadow(el).querySelector<T>(`[name="${name}"]`);
  if (!found) throw new Error(`no control named ${name}`);
  return found;
}

/** Types `value` into a field as a user would (value + input event), then leaves it. */
export async function fill(el: AppealWidget, values: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(values)) {
    const input = control(el, name);
    input.focus();
    (input as HTMLInputElement).value = value;
    input.dispatchEvent(new Event(input.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true, composed: true }));
    input.blur();
  }
  await el.updateComplete;
}

/** Fills the default fields with a valid signer. */
export function fillValid(el: AppealWidget, email = 'aigerim@example.org'): Promise<void> {
  return fill(el, { firstName: 'Aigerim', lastName: 'N.', email, country: 'KZ' });
}

/** Clicks the submit button. */
export async function submit(el: AppealWidget): Promise<void> {
  shadow(el).querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
  await el.updateComplete;
}

/** Resolves when `predicate` holds, polling every 20 ms for up to `timeout` ms. */
export async function until(predicate: () => boolean | Promise<boolean>, timeout = 5000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The text of the widget's shadow root, whitespace collapsed. */
export function text(el: AppealWidget): string {
  return (shadow(el).textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** The messages of a locale file, flattened to `a.b.c` keys. */
export async function localeStrings(language: string): Promise<Record<string, string>> {
  const response = await fetch(`/locales/${language}.json`);
  const flatten = (object: Record<string, unknown>, prefix = ''): [string, string][] =>
    Object.entries(object).flatMap(([key, value]) =>
      value && typeof value === 'object' ? flatten(value as Record<string, unknown>, `${prefix}${key}.`) : [[`${prefix}${key}`, String(value)]],
    );
  return Object.fromEntries(flatten((await response.json()) as Record<string, unknown>));
}

/** The submit button. */
export function submitButton(el: AppealWidget): HTMLButtonElement {
  return shadow(el).querySelector<HTMLButtonElement>('button[type="submit"]')!;
}

/** The request bodies the endpoint received for `bucket`, parsed as JSON. */
export async function receivedPayloads(bucket: string): Promise<Record<string, unknown>[]> {
  return (await received(bucket)).map((request) => JSON.parse(request.body) as Record<string, unknown>);
}
