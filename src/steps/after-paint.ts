/**
 * Work the signer need not wait for, done once the browser has painted the form: the country list,
 * the language menu's names, the sweep of the queue. A page's first `Intl.DisplayNames` alone costs
 * tens of ms (ICU loads its names), as much as the floor's whole form.
 */

/** Resolves in a task after the browser painted its next frame; a hidden page paints none, and the timer alone resolves it. */
export const nextPaint = (): Promise<void> =>
  new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve));
    setTimeout(resolve, 200);
  });

// What afterPaint built, and what it is building, by key: once per page, for every widget on it.
const built = new Map<string, unknown>();
const building = new Map<string, Promise<unknown>>();

/** What `build` returns, built once per page and `key` after the next paint: undefined until then, and `ready` runs once it is. */
export function afterPaint<T>(key: string, build: () => T, ready: () => void): T | undefined {
  if (built.has(key)) return built.get(key) as T;
  let pending = building.get(key);
  if (!pending) building.set(key, (pending = nextPaint().then(() => built.set(key, build()))));
  void pending.then(ready);
  return undefined;
}

/** Resolves once everything afterPaint was asked for is built. */
export const paintedWork = (): Promise<unknown> => Promise.all(building.values());
