import type { StepHost } from './step-host.js';
import { thanksAnnouncement } from './thanks/thanks-step.js';

/** What the widget's live region says after the journey's last move: sent, signed, failed, copied. */
export function announcement(host: StepHost): string {
  const state = host._journey;
  const t = host._t;
  switch (state.announcement) {
    case 'sending':
      return t('status.sending');
    case 'signed':
      return state.step === 'thanks' ? thanksAnnouncement(host, state) : '';
    case 'notice':
      return state.step === 'form' && state.notice ? t(state.notice.key, state.notice.values) : '';
    case 'closed':
      return t('closed.text');
    case 'linkCopied':
      return t('share.copied');
    case 'letterCopied':
      return t('thanks.mailtoCopied');
    default:
      return '';
  }
}
