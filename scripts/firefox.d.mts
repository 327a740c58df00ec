export declare const FIREFOX_PATH: string;
export declare const FIREFOX_PREFS: Record<string, string | boolean>;
export declare const FIREFOX_LAUNCH_OPTIONS: {
  browser: 'firefox';
  executablePath: string;
  headless: true;
  extraPrefsFirefox: Record<string, string | boolean>;
};
