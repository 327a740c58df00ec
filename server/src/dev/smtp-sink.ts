/**
 * A real SMTP server for tests and local development: smtp-server on 127.0.0.1 (port 0 by
 * default), no TLS, any or no login. Every accepted message is parsed with mailparser and kept
 * with its envelope and raw bytes. Faults can be injected per command, to see what a real
 * client (nodemailer) makes of each one:
 *
 * - a reply code at MAIL FROM, RCPT TO, or at the end of DATA (421, 451, 452, 550, …);
 * - a cut connection at MAIL FROM (nothing handed over) or after the whole message was received
 *   but before the reply (the "unknown" case; the message is kept by default, as a real server
 *   that crashed after writing it to disk would have it);
 * - a slow answer to the end of DATA;
 * - down (not listening) and up again on the same port.
 */
import type { Socket } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

/** One message as it arrived. */
export interface SinkMessage {
  envelope: { from: string; to: string[] };
  parsed: ParsedMail;
  raw: Buffer;
  receivedAt: number;
}

export type SinkCommand = 'MAIL' | 'RCPT' | 'DATA';

/** One injected fault; each applies to the next matching command, once. */
export type SinkFault =
  | { at: SinkCommand; reply: number; message?: string }
  | { at: 'MAIL' | 'DATA'; disconnect: true; /** DATA only: keep the message although no reply went out (default true). */ keep?: boolean }
  | { at: 'DATA'; delayMs: number };

export interface SmtpSink {
  readonly host: string;
  readonly port: number;
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  readonly url: string;
  /** Messages kept, in arrival order. */
  readonly messages: SinkMessage[];
  /** How many times each command was seen (including refused ones), e.g. to count DATA attempts. */
  readonly commands: Record<SinkCommand, number>;
  /** Message bodies received in full (up to the final dot), answered or not. */
  readonly bodiesReceived: number;
  /** Queues faults, applied in order to the matching commands. */
  inject(...faults: SinkFault[]): void;
  /** Stops listening and cuts open connections; the port stays reserved for up(). */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Resolves once `count` messages are kept, or rejects after `timeoutMs`. */
  waitForMessages(count: number, timeoutMs?: number): Promise<SinkMessage[]>;
  close(): Promise<void>;
}

export interface SmtpSinkOptions {
  host?: string;
  port?: number;
  /** Called for every kept message (the dev server shows them on a page). */
  onMessage?: (message: SinkMessage) => void;
}

const refusal = (code: number, message?: string): Error & { responseCode: number } =>
  Object.assign(new Error(message ?? (code >= 500 ? 'Refused by the test sink' : 'Try again later (test sink)')), { responseCode: code });

/** Starts a sink; resolves once it listens. */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const host = options.host ?? '127.0.0.1';
  const messages: SinkMessage[] = [];
  const commands: Record<SinkCommand, number> = { MAIL: 0, RCPT: 0, DATA: 0 };
  const faults: SinkFault[] = [];
  const sockets = new Set<Socket>();
  const waiters = new Set<() => void>();
  let server: SMTPServer | undefined;
  let port = options.port ?? 0;
  let bodiesReceived = 0;

  const takeFault = (at: SinkCommand): SinkFault | undefined => {
    const index = faults.findIndex((fault) => fault.at === at);
    return index < 0 ? undefined : faults.splice(index, 1)[0];
  };
  /** The socket of a session, to cut it without a reply. */
  const socketOf = (session: SMTPServerSession): Socket | undefined =>
    [...sockets].find((socket) => socket.remotePort === session.remotePort);

  const keep = async (raw: Buffer, session: SMTPServerSession) => {
    const mailFrom = session.envelope.mailFrom;
    const message: SinkMessage = {
      envelope: { from: mailFrom ? mailFrom.address : '', to: session.envelope.rcptTo.map((rcpt) => rcpt.address) },
      parsed: await simpleParser(raw),
      raw,
      receivedAt: Date.now(),
    };
    messages.push(message);
    options.onMessage?.(message);
    for (const wake of waiters) wake();
  };

  const create = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      banner: 'appeal-widget test sink',
      // Tests stop the sink; nothing should wait for stragglers.
      closeTimeout: 100,
      onAuth(_auth, _session, callback) {
        callback(null, { user: 'test' });
      },
      onMailFrom(_address, session, callback) {
        commands.MAIL++;
        const fault = takeFault('MAIL');
        if (fault && 'disconnect' in fault) {
          socketOf(session)?.destroy();
          return;
        }
        callback(fault && 'reply' in fault ? refusal(fault.reply, fault.message) : null);
      },
      onRcptTo(_address, _session, callback) {
        commands.RCPT++;
        const fault = takeFault('RCPT');
        callback(fault && 'reply' in fault ? refusal(fault.reply, fault.message) : null);
      },
      onData(stream: SMTPServerDataStream, session, callback) {
        commands.DATA++;
        const fault = takeFault('DATA');
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          bodiesReceived++;
          const raw = Buffer.concat(chunks);
          void (async () => {
            if (fault && 'reply' in fault) return callback(refusal(fault.reply, fault.message));
            if (fault && 'disconnect' in fault) {
              if (fault.keep !== false) await keep(raw, session);
              socketOf(session)?.destroy();
              return;
            }
            if (fault && 'delayMs' in fault) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
            await keep(raw, session);
            callback(null, `Ok: queued as sink-${messages.length}`);
          })().catch((error: unknown) => callback(error as Error));
        });
      },
    });

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const instance = create();
      instance.server.on('connection', (socket: Socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
      });
      // A client cut off mid-session makes the server log an error; nothing to do about it here.
      instance.on('error', () => undefined);
      instance.server.once('error', reject);
      instance.listen(port, host, () => {
        instance.server.off('error', reject);
        const address = instance.server.address();
        if (typeof address === 'object' && address) port = address.port;
        server = instance;
        resolve();
      });
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      const instance = server;
      server = undefined;
      if (!instance) return resolve();
      for (const socket of sockets) socket.destroy();
      instance.close(() => resolve());
    });

  await listen();

  return {
    host,
    get port() {
      return port;
    },
    get url() {
      return `smtp://${host}:${port}`;
    },
    messages,
    commands,
    get bodiesReceived() {
      return bodiesReceived;
    },
    inject(...added) {
      faults.push(...added);
    },
    down: stop,
    up: listen,
    waitForMessages(count, timeoutMs = 10_000) {
      if (messages.length >= count) return Promise.resolve(messages.slice());
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages.slice());
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} message(s) at the sink, got ${messages.length} after ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    close: stop,
  };
}
