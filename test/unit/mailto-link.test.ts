/** The `mailto:` link of the mailto step (SPEC §9.4): RFC 6068 encoding, addresses, and the length cap. */
import { expect } from '@open-wc/testing';
import { letterFor, type CampaignDocument } from '../../src/setup/campaign-document.js';
import { documentProblem } from '../../src/contract/campaign-document.js';
import { MAILTO_MAX, mailtoLink } from '../../src/steps/thanks/mailto-link.js';
import { toFormBody, buildPayload } from '../../src/steps/sending/payload.js';

const NOTE = '[Shortened: paste the full letter.]';

/** The link as a mail program reads it: addresses, and the decoded subject and body. */
function read(href: string) {
  const [, to, query] = /^mailto:([^?]*)\?(.*)$/.exec(href)!;
  const fields = Object.fromEntries(query!.split('&').map((pair) => pair.split('=') as [string, string]));
  return { to: to!, subject: decodeURIComponent(fields['subject']!), body: decodeURIComponent(fields['body']!), raw: fields };
}

describe('mailtoLink', () => {
  it('0, 1 and 2 addresses: none, one, comma-separated', () => {
    expect(read(mailtoLink([], 'S', 'B', 'Aigerim', NOTE).href).to).to.equal('');
    expect(read(mailtoLink(['a@x.example'], 'S', 'B', 'Aigerim', NOTE).href).to).to.equal('a@x.example');
    const { href, shortened } = mailtoLink(['a@x.example', 'b@y.example'], 'S', 'B', 'Aigerim', NOTE);
    expect(href.startsWith('mailto:a@x.example,b@y.example?subject=S&body=')).to.be.true;
    expect(shortened).to.be.false;
  });

  it('encodes spaces as %20 (never +) and every line break as %0D%0A', () => {
    const { href } = mailtoLink(['a@x.example'], 'Free him now', 'Dear Sir,\n\nFree him.\r\nThanks & bye', 'Aigerim N.', NOTE);
    expect(href).to.equal(
      'mailto:a@x.example?subject=Free%20him%20now&body=Dear%20Sir%2C%0D%0A%0D%0AFree%20him.%0D%0AThanks%20%26%20bye%0D%0A%0D%0AAigerim%20N.',
    );
    expect(href).not.to.include('+');
    expect(href.replace(/%0D%0A/g, '')).not.to.match(/%0A|%0D/);
  });

  it('carries Kazakh and Arabic text exactly', () => {
    const body = 'Ерлан Балтабайды босатыңыз.\nأطلقوا سراحه ✊🏽';
    const { href } = mailtoLink(['a@x.example'], 'Ерлан Балтабай', body, 'عائشة', NOTE);
    const link = read(href);
    expect(link.subject).to.equal('Ерлан Балтабай');
    expect(link.body).to.equal('Ерлан Балтабайды босатыңыз.\r\nأطلقوا سراحه ✊🏽\r\n\r\nعائشة');
  });

  for (const [name, character] of [['Latin', 'a '], ['Kazakh', 'қ '], ['Arabic', 'ع '], ['emoji', '✊🏽']] as const) {
    it(`a long ${name} body is shortened under ${MAILTO_MAX} characters, with the note and the name kept`, () => {
      const body = character.repeat(3000);
      const { href, shortened } = mailtoLink(['a@x.example', 'b@y.example'], 'Subject', body, 'Aigerim N.', NOTE);
      expect(shortened).to.be.true;
      expect(href.length).to.be.below(MAILTO_MAX);
      expect(href.length, 'the cut is as long as fits').to.be.above(MAILTO_MAX - 60);
      const link = read(href);
      expect(link.body.endsWith(`…\r\n\r\n${NOTE}\r\n\r\nAigerim N.`)).to.be.true;
      expect(body.startsWith(link.body.split('…')[0]!.trimEnd())).to.be.true;
      expect(() => decodeURIComponent(link.raw['body']!), 'never cut inside a character').not.to.throw();
    });
  }
});

describe('letter.mailto and replyTo in the campaign document', () => {
  const base = { texts: { en: { title: 'T' } } };
  const letter = { to: 'The Prosecutor General', en: { subject: 'S', body: 'B' } };

  it('accepts replyTo and 1 to 50 plain addresses; mailto is not a language', () => {
    const document = { ...base, replyTo: true, letter: { ...letter, mailto: ['a@x.example', 'b@y.example'] } };
    expect(documentProblem(document)).to.be.undefined;
    expect(letterFor(document as CampaignDocument, 'mailto')?.lang).to.equal('en');
    expect(documentProblem({ ...base, letter: { ...letter, mailto: Array(50).fill('a@x.example') } })).to.be.undefined;
  });

  it('anything else is an error naming the path', () => {
    expect(documentProblem({ ...base, replyTo: 'yes' })).to.match(/^replyTo:/);
    for (const mailto of [[], 'a@x.example', Array(51).fill('a@x.example'), ['A <a@x.example>'], ['a@x.example,b@y.example'], ['a@x.example\r\nBcc: c@z.example'], ['nobody'], [3]]) {
      expect(documentProblem({ ...base, letter: { ...letter, mailto } }), JSON.stringify(mailto)).to.match(/^letter\.mailto:/);
    }
  });
});

describe('the reply question in the payload', () => {
  const input = { id: 'i', campaign: 'c', locale: 'en', signer: {}, pageUrl: 'https://x.example/', referrer: '' };
  it('form format: consent_reply_to yes|no and consent_reply_to_text, only when asked', () => {
    const asked = toFormBody(buildPayload({ ...input, consent: { updates: false, text: 'T', replyTo: true, replyToText: 'May reply.' } }));
    expect(asked.get('consent_reply_to')).to.equal('yes');
    expect(asked.get('consent_reply_to_text')).to.equal('May reply.');
    const notAsked = toFormBody(buildPayload({ ...input, consent: { updates: false, text: 'T' } }));
    expect(notAsked.has('consent_reply_to')).to.be.false;
  });
});
