// How every test starts Debian's Firefox ESR: through puppeteer-core over WebDriver BiDi, nothing
// downloaded (see shared/BROWSER-TESTING.md).

/** The browser binary: FIREFOX_PATH, else Debian's package. */
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/**
 * Preferences that keep Firefox from reaching outside hosts at start-up (updates, telemetry,
 * captive-portal and connectivity probes, safe browsing lists, remote settings): this network
 * refuses them, and each refusal costs a timeout.
 */
export const FIREFOX_PREFS = {
  'app.update.enabled': false,
  'app.update.auto': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'captivedetect.canonicalURL': '',
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'extensions.update.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'services.settings.server': 'http://127.0.0.1:9/',
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.unified': false,
};

/** Launch options for puppeteer-core's `launch()`. */
export const FIREFOX_LAUNCH_OPTIONS = {
  browser: 'firefox',
  executablePath: FIREFOX_PATH,
  headless: true,
  extraPrefsFirefox: FIREFOX_PREFS,
};
