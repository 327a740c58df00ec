import { expect, fixture, html } from '@open-wc/testing';
import '../../src/appeal-widget.js';
import type { AppealWidget } from '../../src/appeal-widget.js';
import { endpoint, fillValid, received, submit, text, until } from '../support/widget.js';

describe('smoke', () => {
  it('renders and signs', async () => {
    const { url, bucket } = endpoint('status=201&body={"ok":true,"count":5}');
    const el = await fixture<AppealWidget>(html`<appeal-widget endpoint=${url} campaign="c1" lang="en">
      <h2 slot="title">Free him</h2><p>Appeal text</p></appeal-widget>`);
    await expect(el).to.be.accessible();
    await fillValid(el);
    await submit(el);
    await until(() => text(el).includes('Thank you'), 5000, 'thanks');
    const requests = await received(bucket);
    expect(requests).to.have.length(1);
    await expect(el).to.be.accessible();
  });
});
