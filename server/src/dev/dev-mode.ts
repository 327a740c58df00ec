/**
 * What `npm start` adds to the receiver so a newcomer sees the whole action work on first run,
 * without sending real email:
 *
 * - the demo campaign (demo/free-baltabay.json with server/seed/free-baltabay.delivery.json) is
 *   created if the database lacks it;
 * - with no SMTP_URL, letters go to a local capture mail server on 127.0.0.1 (smtp-sink.ts), and
 *   /dev/mail/ shows them as each target would receive them;
 * - a development organiser, DEV_ORGANISER_EMAIL, logs in to the console with the password
 *   start-env.mjs chose (ORGANISER_PASSWORD, or a fresh random one each start).
 *
 * Only main.ts calls this, and only when start.mjs set APPEAL_DEV_MODE.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { hashPassword, verifyPassword } from '../accounts/password-hash.ts';
import { parseCampaignInput } from '../campaigns/campaign-input.ts';
import type { Store } from '../store/store.ts';
import { MAIL_PAGE_CSP, renderMailbox, type CapturedMail } from './mail-page.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';

const DEMO_ID = 'free-baltabay';
/** The development organiser: `.invalid` (RFC 2606), so it can never be someone's address. */
export const DEV_ORGANISER_EMAIL = 'organiser@demo.invalid';
/** The sender of the demo's captured letters: a reserved domain (RFC 2606), so nothing can deliver it. */
const DEMO_MAIL_FROM = '"Free Erlan Baltabay (demo)" <letters@union.example>';

/** The local capture server and the page that shows what it received. */
export interface MailCapture {
  sink: SmtpSink;
  mails: CapturedMail[];
  plugin(app: FastifyInstance): Promise<void>;
}

/** Starts the capture server; the environment then points SMTP_URL and MAIL_FROM at it. */
export async function startMailCapture(env: NodeJS.ProcessEnv): Promise<MailCapture> {
  const mails: CapturedMail[] = [];
  const sink = await startSmtpSink({
    onMessage: ({ envelope, parsed, receivedAt }) => {
      const address = (value: typeof parsed.to) => [value ?? []].flat().map((entry) => entry.text).join(', ');
      mails.push({
        id: mails.length + 1,
        receivedAt: new Date(receivedAt),
        envelope,
        headers: {
          from: parsed.from?.text ?? '',
          to: address(parsed.to),
          replyTo: parsed.replyTo?.text,
          subject: parsed.subject ?? '',
          messageId: parsed.messageId ?? '',
          date: parsed.date?.toUTCString() ?? '',
        },
        text: parsed.text ?? '',
      });
      // The newest 500 are plenty for a demo and keep memory flat.
      if (mails.length > 500) mails.shift();
    },
  });
  env.SMTP_URL = sink.url;
  env.MAIL_FROM ||= DEMO_MAIL_FROM;
  return {
    sink,
    mails,
    async plugin(app) {
      app.get('/dev/mail/', async (_request, reply) =>
        reply
          .type('text/html; charset=utf-8')
          .header('content-security-policy', MAIL_PAGE_CSP)
          .header('cache-control', 'no-store')
          .send(renderMailbox(mails, sink.url)));
      app.get('/dev/mail/letters.json', async (_request, reply) => reply.header('cache-control', 'no-store').send({ letters: mails }));
      app.addHook('onClose', async () => sink.close());
    },
  };
}

/** Creates the demo campaign unless the database has it (an organiser's edits are kept). */
export async function seedDemoCampaign(store: Store, root: string): Promise<'created' | 'kept'> {
  if (await store.getCampaign(DEMO_ID)) return 'kept';
  const read = (path: string): unknown => JSON.parse(readFileSync(new URL(path, root), 'utf8'));
  const parsed = parseCampaignInput(DEMO_ID, {
    document: read('demo/free-baltabay.json'),
    status: 'open',
    delivery: read('server/seed/free-baltabay.delivery.json'),
  });
  if (!parsed.ok) throw new Error(`the demo campaign does not pass the checks: ${JSON.stringify(parsed.errors)}`);
  await store.putCampaign(DEMO_ID, parsed.input);
  return 'created';
}

/**
 * Gives the development organiser `password`: creates the account, or sets the password when it
 * differs (ending that account's sessions). An unchanged ORGANISER_PASSWORD keeps the sessions
 * across restarts.
 */
export async function ensureDevOrganiser(store: Store, password: string): Promise<'created' | 'password-set' | 'kept'> {
  const { organisers } = store;
  const now = Date.now();
  const account = await organisers.find(DEV_ORGANISER_EMAIL);
  if (account && (await verifyPassword(password, account.passwordHash))) return 'kept';
  const passwordHash = await hashPassword(password);
  if (!account) await organisers.add(DEV_ORGANISER_EMAIL, passwordHash, now);
  else await organisers.setPassword(DEV_ORGANISER_EMAIL, passwordHash, now);
  await organisers.log({ at: now, actor: 'npm start', action: account ? 'organiser-password-set' : 'organiser-added', detail: { email: DEV_ORGANISER_EMAIL } });
  return account ? 'password-set' : 'created';
}
