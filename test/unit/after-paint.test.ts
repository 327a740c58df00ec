import { expect } from '@open-wc/testing';
import { afterPaint, nextPaint, paintedWork } from '../../src/steps/after-paint.js';

describe('after the paint', () => {
  it('resolves after the next frame’s paint', async () => {
    const order: string[] = [];
    requestAnimationFrame(() => order.push('frame'));
    await nextPaint();
    expect(order).to.deep.equal(['frame']);
  });

  it('builds each key once per page, after a paint, telling every asker once it is', async () => {
    let builds = 0;
    let ready = 0;
    const build = () => ({ built: ++builds });
    expect(afterPaint('a', build, () => ready++)).to.be.undefined;
    expect(afterPaint('a', build, () => ready++)).to.be.undefined;
    expect(builds).to.equal(0);
    await paintedWork();
    expect([builds, ready]).to.deep.equal([1, 2]);
    const value = afterPaint('a', build, () => ready++);
    expect(value).to.deep.equal({ built: 1 });
    expect(afterPaint('a', build, () => ready++)).to.equal(value);
    expect([builds, ready]).to.deep.equal([1, 2]);
  });
});
