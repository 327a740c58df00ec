/**
 * The console's pure modules (console/src/internal/): its routes, the draft of a campaign being
 * edited, and the embed snippets. The pages themselves are tested in a browser (test/e2e/console.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { draftOf, editOf, getPath, previewDocument, setPath } from '../../console/src/internal/draft.ts';
import { isConsolePath, parseRoute, pathOf } from '../../console/src/internal/router.ts';
import { iframeSnippet, originAllowed, scriptSnippet, shortcodeSnippet, siteOrigin, type EmbedOptions } from '../../console/src/internal/snippets.ts';

describe('routes', () => {
  test('each page has one path, read back as the same route', () => {
    const routes = [
      { page: 'campaigns' },
      { page: 'login' },
      { page: 'login', next: '/admin/campaigns/a' },
      { page: 'erasure' },
      { page: 'overview', id: 'free-baltabay' },
      { page: 'edit', id: 'free-baltabay' },
      { page: 'embed', id: 'x_1' },
      { page: 'export', id: 'x' },
    ] as const;
    for (const route of routes) {
      const url = new URL(pathOf(route), 'http://receiver.example');
      assert.deepEqual(parseRoute(url.pathname, url.search), route);
    }
  });

  test('anything else is not found; a login leads only back into the console', () => {
    assert.equal(parseRoute('/admin/campaigns/a/delete').page, 'not-found');
    assert.equal(parseRoute('/admin/nothing').page, 'not-found');
    assert.equal(parseRoute('/admin/campaigns/%E0%A4%A').page, 'not-found');
    assert.deepEqual(parseRoute('/admin/login', '?next=https://evil.example/'), { page: 'login' });
    assert.deepEqual(parseRoute('/admin/login', '?next=//evil.example/admin/'), { page: 'login' });
    assert.equal(isConsolePath('/admin/\\evil.example'), false);
  });
});

describe('the draft', () => {
  test('paths as a 422 names them', () => {
    const root: Record<string, unknown> = {};
    setPath(root, 'delivery.targets[1].email', 'a@b.example');
    assert.ok(Array.isArray(getPath(root, 'delivery.targets')), 'an index makes a list');
    assert.equal((getPath(root, 'delivery.targets') as unknown[]).length, 2);
    assert.equal(getPath(root, 'delivery.targets[1].email'), 'a@b.example');
    setPath(root, 'delivery.targets[1].email', undefined);
    assert.deepEqual(getPath(root, 'delivery.targets[1]'), {});
  });

  test('what PUT sends leaves out empty texts, empty letter languages and settings of another mode', () => {
    const draft = draftOf({
      document: { texts: { en: { title: 'T', thanks: '' } }, goal: '', letter: { to: 'them', en: { subject: 'S', body: 'B' }, fr: { subject: '', body: '' }, mailto: ['x@y.example'] } },
      status: 'open',
      delivery: { mode: 'each', targets: [], digestHour: 18, test: false, testers: ['a@b.example'], receipt: false },
      count: 3,
    });
    assert.deepEqual(editOf(draft), {
      document: { texts: { en: { title: 'T' } }, letter: { to: 'them', en: { subject: 'S', body: 'B' } } },
      status: 'open',
      delivery: { mode: 'each', targets: [], test: false },
    });
  });

  test('the preview gets the public document: status, count, reply-to, and mailto addresses only in mode mailto', () => {
    const draft = draftOf({
      document: { texts: { en: { title: 'T' } }, letter: { to: 'them', en: { subject: 'S', body: 'B' } } },
      status: 'closed',
      delivery: { mode: 'mailto', targets: [{ name: 'A', email: 'a@b.example' }], replyTo: 'none' },
    });
    const document = previewDocument(draft, 'c', 7);
    assert.equal(document['status'], 'closed');
    assert.equal(document['count'], 7);
    assert.deepEqual((document['letter'] as { mailto: string[] }).mailto, ['a@b.example']);
    draft.delivery['mode'] = 'each';
    draft.delivery['replyTo'] = 'signer-if-agreed';
    const each = previewDocument(draft, 'c', 7);
    assert.equal(each['replyTo'], true);
    assert.equal('mailto' in (each['letter'] as object), false);
  });
});

describe('embed snippets', () => {
  const options: EmbedOptions = {
    publicUrl: 'https://letters.union.example/',
    scriptUrl: 'https://union.example/widget/appeal-widget.js',
    campaign: 'free-baltabay',
    lang: 'fr',
    fields: '',
    share: 'whatsapp,copy',
    consent: 'radio',
  };

  test('script tag, shortcode and iframe for the options', () => {
    assert.equal(
      scriptSnippet(options),
      '<script src="https://union.example/widget/appeal-widget.js"\n' +
        '        data-endpoint="https://letters.union.example/api/signatures"\n' +
        '        data-campaign="free-baltabay"\n' +
        '        data-campaign-url="https://letters.union.example/api/campaigns/free-baltabay"\n' +
        '        data-lang="fr"\n' +
        '        data-share="whatsapp,copy"\n' +
        '        data-consent="radio" async></script>',
    );
    assert.equal(shortcodeSnippet(options), '[appeal_widget campaign="free-baltabay" lang="fr" share="whatsapp,copy" consent="radio"]');
    assert.equal(
      iframeSnippet(options, 'Appeal "x"'),
      '<iframe src="https://letters.union.example/embed/free-baltabay?lang=fr" title="Appeal &quot;x&quot;" width="100%" height="900" loading="lazy"></iframe>',
    );
  });

  test('a typed value cannot break out of its attribute', () => {
    const hostile = { ...options, scriptUrl: '"><script>alert(1)</script>', lang: 'fr"] [x' };
    assert.doesNotMatch(scriptSnippet(hostile), /"><script>/);
    assert.equal(shortcodeSnippet(hostile), '[appeal_widget campaign="free-baltabay" lang="fr x" share="whatsapp,copy" consent="radio"]');
  });

  test('the site origin and whether the receiver takes it', () => {
    assert.equal(siteOrigin('union.example/blog'), 'https://union.example');
    assert.equal(siteOrigin('http://localhost:8080/x'), 'http://localhost:8080');
    assert.equal(siteOrigin('javascript:alert(1)'), undefined);
    assert.equal(siteOrigin(''), undefined);
    assert.equal(originAllowed('https://union.example', ['https://union.example/']), true);
    assert.equal(originAllowed('https://elsewhere.example', ['https://union.example']), false);
    assert.equal(originAllowed('https://elsewhere.example', '*'), true);
    // Local development, as the receiver lists it: any port, or none.
    const local = ['https://union.example', 'http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'];
    for (const origin of ['http://127.0.0.1:4173', 'http://localhost', 'http://[::1]:8080', 'http://LOCALHOST:3000']) assert.equal(originAllowed(origin, local), true, origin);
    for (const origin of ['https://127.0.0.1:4173', 'http://127.0.0.1.evil.example', 'http://localhost.evil.example:80', 'http://127.0.0.10:80']) assert.equal(originAllowed(origin, local), false, origin);
  });
});
