// How every test and benchmark starts Debian's Chromium (see shared/BROWSER-TESTING.md).

/** The browser binary: CHROME_PATH, else Debian's package. */
export const CHROMIUM_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';

/** Headless, sandbox-free as root, and with no traffic of its own to outside hosts (this network refuses it). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless=new',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
