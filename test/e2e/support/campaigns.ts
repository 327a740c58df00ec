/**
 * The campaigns the end-to-end pages sign. The receiver takes signatures only for campaigns it
 * holds (SPEC §8), so every test receiver is seeded with these, open and without letters.
 */
export const E2E_CAMPAIGNS = [
  'a11y-ar', 'a11y-en', 'a11y-letter', 'campaign-a', 'campaign-b', 'campaign-form', 'campaign-json',
  'campaign-predefined', 'campaign-slots', 'campaign-twice', 'contrast', 'csp', 'csp-campaign', 'free-baltabay',
  'resilience-429', 'resilience-503', 'resilience-down', 'resilience-hang', 'resilience-no-document',
  'resilience-no-endpoint', 'resilience-nostorage', 'resilience-redirect-302', 'resilience-redirect-307', 'resilience-html-200', 'resilience-offline', 'resilience-online-event', 'resilience-slow',
  'theme', 'xss', 'xss-doc', 'xss-locale',
];
