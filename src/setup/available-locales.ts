/** Build-time list of the files in `locales/`, so only files that exist are ever fetched. */
declare const __APPEAL_LOCALES__: readonly string[] | undefined;

/** Locale codes that have a file in `locales/` (injected by the build and the test runner). */
export const AVAILABLE_LOCALES: readonly string[] =
  typeof __APPEAL_LOCALES__ !== 'undefined' ? __APPEAL_LOCALES__ : ['en'];
