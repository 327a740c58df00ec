/*
 * Translator preview: http://127.0.0.1:8080/?lang=de sets <html lang="de">, and the widget,
 * which follows the page language, then speaks German (or falls back to English when
 * locales/de.json does not exist yet).
 *
 * Load this classic script BEFORE the widget's <script> tag, without async or defer, so the
 * language is set before the widget reads it. It only ever sets an attribute from a value
 * that passed the pattern below: the parameter is never written into the page as HTML.
 */
(function () {
  'use strict';
  var PLAUSIBLE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
  try {
    var requested = new URLSearchParams(window.location.search).get('lang');
    if (requested && PLAUSIBLE_TAG.test(requested)) {
      document.documentElement.lang = requested;
    }
  } catch (error) {
    // A very old browser without URLSearchParams keeps the page's own language.
  }
})();
