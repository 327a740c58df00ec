/** The console's events: pages tell the shell what to announce and where to go. */

export interface AnnounceDetail {
  message: string;
}
export interface NavigateDetail {
  path: string;
  /** Replace the current history entry instead of adding one. */
  replace?: boolean;
}
export interface SignedInDetail {
  email: string;
}

/** Fires `name` from `target` with the console's defaults (bubbles, composed). */
export function emit<K extends keyof ConsoleEvents>(target: EventTarget, name: K, detail: ConsoleEvents[K]['detail']): void {
  target.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, detail }));
}

export interface ConsoleEvents {
  /** A status message for the live region ("Saved", "Sending paused"). */
  'console-announce': CustomEvent<AnnounceDetail>;
  /** Go to another page of the console. */
  'console-navigate': CustomEvent<NavigateDetail>;
  /** The login page opened a session. */
  'console-signed-in': CustomEvent<SignedInDetail>;
}

declare global {
  interface GlobalEventHandlersEventMap extends ConsoleEvents {}
}
