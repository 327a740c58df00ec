import { expect } from '@open-wc/testing';
import { readConfig } from '../../src/setup/read-config.js';

describe('reading the attributes', () => {
  it('defaults to the four standard fields, all required, and a JSON endpoint', () => {
    const config = readConfig({ endpoint: 'https://example.org/api/signatures' });
    expect(config.problems).to.deep.equal([]);
    expect(config.endpoint?.href).to.equal('https://example.org/api/signatures');
    expect(config.format).to.equal('json');
    expect(config.consent).to.equal('checkbox');
    expect(config.fields.map((spec) => [spec.field, spec.required])).to.deep.equal([
      ['first-name', true],
      ['last-name', true],
      ['email', true],
      ['country', true],
    ]);
    expect(config.share).to.deep.equal(['whatsapp', 'facebook', 'x', 'bluesky', 'telegram', 'email', 'copy']);
  });

  it('reads fields in order, * for required, always adding a required email', () => {
    const config = readConfig({ endpoint: '/api', fields: ' name* , organisation, comment ,name' });
    expect(config.fields.map((spec) => [spec.key, spec.required])).to.deep.equal([
      ['name', true],
      ['organisation', false],
      ['comment', false],
      ['email', true],
    ]);
  });

  it('resolves a relative endpoint against the page and accepts only http(s)', () => {
    expect(readConfig({ endpoint: '/api/signatures' }).endpoint?.href).to.equal(new URL('/api/signatures', document.baseURI).href);
    for (const endpoint of ['javascript:alert(1)', 'ftp://example.org/', 'data:text/html,x']) {
      const config = readConfig({ endpoint });
      expect(config.endpoint, endpoint).to.be.undefined;
      expect(config.problems[0]).to.deep.include({ key: 'config.badValue' });
    }
  });

  it('names every broken attribute so the site owner can fix it', () => {
    const config = readConfig({
      fields: 'first-name*,shoe-size',
      share: 'whatsapp,myspace',
      goal: 'lots',
      format: 'xml',
      consent: 'maybe',
      countUrl: 'javascript:1',
    });
    expect(config.problems.map((problem) => problem.values['attribute'] ?? problem.key)).to.have.members([
      'endpoint',
      'fields',
      'share',
      'goal',
      'format',
      'consent',
      'count-url',
    ]);
    expect(config.problems.find((problem) => problem.values['attribute'] === 'fields')?.values['value']).to.equal('shoe-size');
    expect(config.format).to.equal('json');
    expect(config.share).to.deep.equal(['whatsapp']);
  });

  it('takes an http(s) assets-url and names any other', () => {
    expect(readConfig({ endpoint: '/a', assetsUrl: 'https://cdn.example/appeal/' }).problems).to.deep.equal([]);
    expect(readConfig({ endpoint: '/a', assetsUrl: 'javascript:alert(1)' }).problems.map((problem) => problem.values['attribute'])).to.deep.equal(['assets-url']);
  });

  it('reads the goal as a positive whole number', () => {
    expect(readConfig({ endpoint: '/a', goal: '10000' }).goal).to.equal(10000);
    expect(readConfig({ endpoint: '/a', goal: '0' }).problems).to.have.length(1);
    expect(readConfig({ endpoint: '/a', goal: '' }).goal).to.be.undefined;
  });
});
