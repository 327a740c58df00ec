import { expect } from '@open-wc/testing';
import { buildPayload } from '../../src/steps/sending/payload.js';
import { sendSignature } from '../../src/steps/sending/send-signature.js';
import { uuidV4 } from '../../src/steps/sending/uuid.js';
import { endpoint } from '../support/widget.js';

const payload = () =>
  buildPayload({
    id: uuidV4(),
    campaign: 'free-baltabay',
    locale: 'en',
    signer: { firstName: 'Aigerim', lastName: 'N.', email: 'aigerim@example.org', country: 'KZ' },
    consent: { updates: false, text: '' },
    pageUrl: location.href,
    referrer: '',
  });

describe('sendSignature', () => {
  it('a send that outlasts its deadline failed by timeout, in every engine', async () => {
    // WebKit rejects a timed-out fetch with an AbortError rather than the signal's TimeoutError.
    const { url } = endpoint('status=201&delay=3000');
    expect(await sendSignature({ endpoint: url, format: 'json' }, payload(), 200)).to.deep.equal({ kind: 'failed', reason: 'timeout' });
  });

  it('a send nothing answers failed by network', async () => {
    const destination = { endpoint: 'http://127.0.0.1:9/unreachable', format: 'json' } as const;
    expect(await sendSignature(destination, payload(), 5000)).to.deep.equal({ kind: 'failed', reason: 'network' });
  });
});
