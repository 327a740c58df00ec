/**
 * The SMTP side of letter delivery: one pooled nodemailer transport to SMTP_URL, optional DKIM
 * signing, and a `send` that reports, on failure, whether the server had started receiving the
 * message data (`dataStarted`), which is what separates "retry" from "may have arrived".
 *
 * Choices:
 * - Pool of 2 connections: letters are few per second at most, and a target's server (and
 *   our relay's per-client limits) should see a polite client.
 * - `maxRequeues: 0`: nodemailer would otherwise re-send, on its own, a message whose pooled
 *   connection closed; our queue is the only thing allowed to send a letter again.
 * - Timeouts: connect 20 s, greeting 15 s, 60 s of silence on an open socket. A stuck server
 *   must not hold a letter 'sending' for nodemailer's default 10 minutes.
 * - DKIM is applied here rather than through nodemailer's `dkim` option so that our signed
 *   stream is the very stream the connection reads, and `readableDidRead` on it is exact.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import DKIM from 'nodemailer/lib/dkim';
import type Mail from 'nodemailer/lib/mailer';

/** DKIM key for the MAIL_FROM domain. */
export interface DkimSettings {
  domainName: string;
  keySelector: string;
  /** PEM text. */
  privateKey: string;
}

export interface MailTransportOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`. */
  smtpUrl: string;
  dkim?: DkimSettings | undefined;
  /** Pooled connections; default 2. */
  maxConnections?: number;
  connectionTimeout?: number;
  greetingTimeout?: number;
  socketTimeout?: number;
  /** Extra nodemailer SMTP options (tests: `tls`, `ignoreTLS`); cannot switch pooling off. */
  extra?: Record<string, unknown>;
}

/** What a successful hand-over returns. */
export interface SendReport {
  /** The server's reply to the end of data, e.g. `250 2.0.0 Ok: queued as 4Zx…`. */
  response: string;
  messageId: string;
  accepted: string[];
  rejected: string[];
}

/** The transport the worker uses; `send` rejects with nodemailer's error plus `dataStarted`. */
export interface LetterTransport {
  send(message: Mail.Options): Promise<SendReport>;
  /** Closes pooled connections (letters in flight finish first unless the server is gone). */
  close(): void;
}

/** Problems with SMTP_URL, empty when it is usable. */
export function checkSmtpUrl(value: string): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [`SMTP_URL must be a URL like smtp://user:pass@mail.example:587, got '${value.replace(/\/\/[^@/]*@/, '//…@')}'`];
  }
  const problems: string[] = [];
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') problems.push(`SMTP_URL must start with smtp:// or smtps://, got '${url.protocol}//'`);
  if (!url.hostname) problems.push('SMTP_URL has no host');
  return problems;
}

/** A pooled transport to `smtpUrl`, DKIM-signing when `dkim` is given. */
export function createMailTransport(options: MailTransportOptions): LetterTransport {
  const problems = checkSmtpUrl(options.smtpUrl);
  if (problems.length > 0) throw new Error(problems.join('; '));
  const signer = options.dkim ? new DKIM({ ...options.dkim }) : undefined;

  // A setting given by name wins, then one given in `extra` (buildApp's transportOptions), then
  // the default: `extra` may shorten timeouts (tests) but never switch pooling or requeues.
  const extra = options.extra ?? {};
  const setting = (name: 'maxConnections' | 'connectionTimeout' | 'greetingTimeout' | 'socketTimeout', fallback: number): number => {
    const fromExtra = extra[name];
    return options[name] ?? (typeof fromExtra === 'number' ? fromExtra : fallback);
  };
  const transporter = nodemailer.createTransport({
    ...extra,
    url: options.smtpUrl,
    pool: true,
    maxConnections: setting('maxConnections', 2),
    maxMessages: 100,
    maxRequeues: 0,
    connectionTimeout: setting('connectionTimeout', 20_000),
    greetingTimeout: setting('greetingTimeout', 15_000),
    socketTimeout: setting('socketTimeout', 60_000),
    dnsTimeout: 15_000,
    logger: false,
  });

  /** The outgoing stream of each message in flight, by Message-ID. */
  const streams = new Map<string, { stream?: Readable }>();
  transporter.use('stream', (mail, done) => {
    const progress = typeof mail.data.messageId === 'string' ? streams.get(mail.data.messageId) : undefined;
    mail.message?.processFunc((input: Readable) => {
      const output: Readable = signer ? signer.sign(input) : input;
      if (progress) progress.stream = output;
      return output;
    });
    done();
  });

  return {
    async send(message) {
      const id = typeof message.messageId === 'string' ? message.messageId : undefined;
      if (id !== undefined && streams.has(id)) throw new Error(`message ${id} is already being sent`);
      const progress: { stream?: Readable } = {};
      if (id !== undefined) streams.set(id, progress);
      try {
        const info = await transporter.sendMail(message);
        const address = (entry: string | Mail.Address): string => (typeof entry === 'string' ? entry : entry.address ?? '');
        return {
          response: String(info.response ?? ''),
          messageId: info.messageId,
          accepted: (info.accepted ?? []).map(address),
          rejected: (info.rejected ?? []).map(address),
        };
      } catch (error) {
        const failure = (typeof error === 'object' && error !== null ? error : new Error(String(error))) as Error & { dataStarted?: boolean };
        // readableDidRead turns true only once the connection pipes the message, after 354.
        failure.dataStarted = progress.stream?.readableDidRead ?? false;
        throw failure;
      } finally {
        if (id !== undefined) streams.delete(id);
      }
    },
    close() {
      transporter.close();
    },
  };
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * DKIM from DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY (PEM text, `\n` escapes allowed) or
 * DKIM_PRIVATE_KEY_FILE. All unset → no DKIM. Returns every problem, for a ConfigError.
 */
export function dkimFromEnv(
  env: Env,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): { dkim: DkimSettings | undefined; problems: string[] } {
  const value = (name: string) => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
  };
  const domainName = value('DKIM_DOMAIN');
  const keySelector = value('DKIM_SELECTOR');
  const inlineKey = value('DKIM_PRIVATE_KEY');
  const keyFile = value('DKIM_PRIVATE_KEY_FILE');
  if (!domainName && !keySelector && !inlineKey && !keyFile) return { dkim: undefined, problems: [] };

  const problems: string[] = [];
  if (!domainName) problems.push('DKIM_DOMAIN is required when DKIM is configured (the MAIL_FROM domain, e.g. union.example)');
  else if (!/^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/.test(domainName)) problems.push(`DKIM_DOMAIN must be a domain name, got '${domainName}'`);
  if (!keySelector) problems.push('DKIM_SELECTOR is required when DKIM is configured (the name before ._domainkey in DNS)');
  else if (!/^[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?)*$/.test(keySelector)) problems.push(`DKIM_SELECTOR must be a DNS label, got '${keySelector}'`);
  if (inlineKey && keyFile) problems.push('set DKIM_PRIVATE_KEY or DKIM_PRIVATE_KEY_FILE, not both');

  let privateKey: string | undefined;
  if (inlineKey) privateKey = inlineKey.replace(/\\n/g, '\n');
  else if (keyFile) {
    try {
      privateKey = readFile(keyFile);
    } catch (error) {
      problems.push(`DKIM_PRIVATE_KEY_FILE '${keyFile}' cannot be read: ${(error as Error).message}`);
    }
  } else problems.push('DKIM_PRIVATE_KEY (PEM text) or DKIM_PRIVATE_KEY_FILE (a path) is required when DKIM is configured');
  if (privateKey !== undefined && !(inlineKey && keyFile)) {
    try {
      const key = createPrivateKey(privateKey);
      if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ed25519') {
        problems.push(`the DKIM private key must be RSA or Ed25519, got ${key.asymmetricKeyType ?? 'unknown'}`);
      }
    } catch {
      problems.push('the DKIM private key is not a PEM private key (-----BEGIN PRIVATE KEY----- …)');
    }
  }
  if (problems.length > 0 || !domainName || !keySelector || privateKey === undefined) return { dkim: undefined, problems };
  return { dkim: { domainName, keySelector, privateKey }, problems };
}
