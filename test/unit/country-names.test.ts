import { expect } from '@open-wc/testing';
import { countryNamesLocale, hasCountryNames } from '../../src/steps/form/country-names-locale.js';
import { countryOptions } from '../../src/steps/form/countries.js';

const nameOf = (locale: string, code: string) => countryOptions(locale).find((option) => option.code === code)?.name;
const CYRILLIC = /^\p{Script=Cyrillic}[\p{Script=Cyrillic}\s-]*$/u;

describe('the language countries are named in', () => {
  it('is the language itself where the browser has its names', () => {
    for (const tag of ['fr', 'de', 'ru', 'ar', 'ja', 'pt-BR']) expect(countryNamesLocale(tag), tag).to.equal(tag);
    expect(nameOf('de', 'KZ')).to.equal('Kasachstan');
  });

  it('is Russian for Kazakh where the browser names countries in English only (Chromium), never English', () => {
    const chosen = countryNamesLocale('kk');
    // Firefox has Kazakh names; Chromium knows "kk" and still answers "Germany".
    expect(chosen).to.equal(hasCountryNames('kk') ? 'kk' : 'ru');
    expect(nameOf('kk', 'DE')).to.match(CYRILLIC);
    expect(nameOf('kk', 'KZ')).to.match(CYRILLIC);
    expect(countryNamesLocale('kk-KZ')).to.equal(hasCountryNames('kk-KZ') ? 'kk-KZ' : 'ru');
  });

  it('falls back from a language the browser does not know at all: to Russian for Kyrgyz, to English otherwise', () => {
    expect(hasCountryNames('qaa'), 'a private-use code has no names').to.be.false;
    expect(countryNamesLocale('qaa')).to.equal('en');
    expect(nameOf('qaa', 'DE')).to.equal('Germany');
    expect(countryNamesLocale('ky')).to.be.oneOf(['ky', 'ru']);
    expect(nameOf('ky', 'DE')).to.match(CYRILLIC);
  });

  it('takes a language as supported only if its names differ from English', () => {
    expect(hasCountryNames('en')).to.be.false;
    expect(countryNamesLocale('en')).to.equal('en');
    expect(hasCountryNames('fr')).to.be.true;
  });
});
