import { expect } from '@open-wc/testing';
import { letterFor } from '../../src/setup/campaign-document.js';
import { documentProblem } from '../../src/contract/campaign-document.js';
import { linkify, paragraphs } from '../../src/steps/appeal/plain-text.js';
import { currentGoal } from '../../src/steps/appeal/goal.js';
import { chooseLanguage, fallbackChain, matchLocale } from '../../src/setup/choose-language.js';
import { countryOfLocale, countryOptions } from '../../src/steps/form/countries.js';
import { validateField } from '../../src/steps/form/validators.js';
import { FIELD_DEFINITIONS } from '../../src/steps/form/fields.js';
import { ISO_COUNTRIES } from '../../server/src/iso-countries.js';

const AVAILABLE = ['ar', 'de', 'en', 'fr', 'kk', 'pt', 'zh'];

describe('choosing a language', () => {
  it('matches the most specific locale file, case and separators aside', () => {
    expect(matchLocale('pt-BR', AVAILABLE)).to.equal('pt');
    expect(matchLocale('zh-Hant-TW', AVAILABLE)).to.equal('zh');
    expect(matchLocale('FR_ca', AVAILABLE)).to.equal('fr');
    expect(matchLocale('es', AVAILABLE)).to.be.undefined;
    expect(matchLocale('zh-hant', [...AVAILABLE, 'zh-Hant'])).to.equal('zh-Hant');
  });

  it('takes the first request some file serves, else English', () => {
    expect(chooseLanguage([undefined, '', 'es-ES', 'kk-KZ', 'fr'], AVAILABLE)).to.equal('kk');
    expect(chooseLanguage(['xx'], AVAILABLE)).to.equal('en');
  });

  it('ignores an absurd tag, such as a 100 KB lang attribute, at once', function () {
    // Matching such a tag part by part took 14–24 s: fail fast instead of freezing the runner.
    this.timeout(2000);
    const huge = `fr-${'a-'.repeat(50_000)}`;
    expect(matchLocale(huge, AVAILABLE)).to.be.undefined;
    expect(chooseLanguage([huge, 'de'], AVAILABLE)).to.equal('de');
    expect(matchLocale(`kk-${'x'.repeat(40)}`, AVAILABLE)).to.be.undefined;
    expect(matchLocale('zh-Hant-TW', AVAILABLE)).to.equal('zh');
  });

  it('falls back region → language → English', () => {
    expect(fallbackChain('pt', AVAILABLE)).to.deep.equal(['pt', 'en']);
    expect(fallbackChain('pt-BR', [...AVAILABLE, 'pt-BR'])).to.deep.equal(['pt-BR', 'pt', 'en']);
    expect(fallbackChain('en', AVAILABLE)).to.deep.equal(['en']);
  });
});

describe('plain text from a campaign document', () => {
  it('splits paragraphs at blank lines', () => {
    expect(paragraphs('One\nstill one\n\n  Two  \r\n\r\n\n\nThree')).to.deep.equal(['One\nstill one', 'Two', 'Three']);
  });

  it('finds bare http(s) URLs, leaving trailing punctuation to the sentence', () => {
    expect(linkify('See https://example.org/a?b=1. Or (http://x.org/y), not ftp://z.org or javascript:alert(1)')).to.deep.equal([
      'See ',
      'https://example.org/a?b=1',
      '. Or (',
      'http://x.org/y',
      '), not ftp://z.org or javascript:alert(1)',
    ]);
  });
});

describe('campaign documents', () => {
  const letter = { to: 'The authorities', en: { subject: 'S', body: 'B' }, fr: { subject: 'Sf', body: 'Bf', to: 'Les autorités' } };

  it('accepts the SPEC §5 shape', () => {
    expect(documentProblem({ id: 'x', goal: 10, texts: { en: { title: 'T', appeal: 'A' } }, letter })).to.be.undefined;
  });

  it('names the first wrong path', () => {
    expect(documentProblem([])).to.match(/^texts:/);
    expect(documentProblem({ texts: { en: { title: 3 } } })).to.match(/^texts\.en\.title:/);
    expect(documentProblem({ texts: {}, goal: -1 })).to.match(/^goal:/);
    expect(documentProblem({ texts: {}, letter: { en: { subject: 'S', body: 'B' } } })).to.match(/^letter\.to:/);
    expect(documentProblem({ texts: {}, letter: { to: 'T', en: { subject: 'S' } } })).to.match(/^letter\.en\.body:/);
    expect(documentProblem({ texts: { fr_FR: { title: 'T' } } })).to.match(/^texts\.fr_FR: not a language tag/);
  });

  it('gives the letter in the widget’s language, with that language’s own target when it has one', () => {
    const document = { texts: {}, letter };
    expect(letterFor(document, 'fr')).to.deep.equal({ lang: 'fr', to: 'Les autorités', subject: 'Sf', body: 'Bf' });
    expect(letterFor(document, 'de')).to.deep.equal({ lang: 'en', to: 'The authorities', subject: 'S', body: 'B' });
  });
});

describe('goal', () => {
  it('steps the goal up by doubling once it is reached', () => {
    expect(currentGoal(0, 10_000)).to.equal(10_000);
    expect(currentGoal(9_999, 10_000)).to.equal(10_000);
    expect(currentGoal(10_000, 10_000)).to.equal(20_000);
    expect(currentGoal(45_000, 10_000)).to.equal(80_000);
  });
});

describe('countries', () => {
  const ISO = ISO_COUNTRIES;

  it('lists exactly the 249 ISO 3166-1 countries, named and sorted in the language', () => {
    const french = countryOptions('fr');
    expect(french.map((option) => option.code).sort()).to.deep.equal(ISO);
    expect(french.find((option) => option.code === 'DE')?.name).to.equal('Allemagne');
    const names = french.map((option) => option.name);
    expect(names).to.deep.equal([...names].sort(new Intl.Collator('fr').compare));
    expect(countryOptions('ru').find((option) => option.code === 'KZ')?.name).to.equal('Казахстан');
  });

  it('preselects the region of the language tag', () => {
    expect(countryOfLocale('fr-FR')).to.equal('FR');
    expect(countryOfLocale('pt-BR')).to.equal('BR');
    expect(countryOfLocale('fr')).to.be.undefined;
    expect(countryOfLocale('es-419')).to.be.undefined;
  });
});

describe('field validation', () => {
  const spec = (field: keyof typeof FIELD_DEFINITIONS, required = true) => ({ ...FIELD_DEFINITIONS[field], field, required });

  it('asks for required fields and checks formats', () => {
    expect(validateField('  ', spec('first-name'))?.key).to.equal('validation.required');
    expect(validateField('', spec('country'))?.key).to.equal('validation.choose');
    expect(validateField('', spec('postcode', false))).to.be.undefined;
    expect(validateField('a@b', spec('email'))?.key).to.equal('validation.email');
    expect(validateField('a b@c.org', spec('email'))?.key).to.equal('validation.email');
    expect(validateField(' aigerim@example.kz ', spec('email'))).to.be.undefined;
    expect(validateField('call me', spec('phone', false))?.key).to.equal('validation.phone');
    expect(validateField('+7 (727) 123-45-67', spec('phone', false))).to.be.undefined;
    expect(validateField('x'.repeat(100), spec('first-name'))).to.be.undefined;
    expect(validateField('x'.repeat(101), spec('first-name'))).to.deep.equal({ key: 'validation.tooLong', values: { max: 100 } });
  });
});
