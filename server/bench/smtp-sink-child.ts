/**
 * The SMTP sink of letters-bench.ts, in a process of its own so that parsing mail (mailparser)
 * shares neither the load generator's nor the receiver's event loop.
 *
 * `node --import tsx server/bench/smtp-sink-child.ts` starts server/src/dev/smtp-sink.ts on
 * 127.0.0.1 (port 0) and prints `SINK <smtp url>`. Commands on stdin, one per line:
 * - `count`: prints `COUNT {"messages":n,"distinct":d,"firstAt":ms,"lastAt":ms}`;
 * - `stats`: prints `STATS {…count fields, "arrivals":{"<Message-ID>":times,…},
 *   "messages":[[Message-ID, receivedAt, envelope recipients joined by ","],…]}` in arrival order.
 * SIGUSR2 prints the `count` line too. It stops on `quit`, on SIGTERM/SIGINT, when stdin closes
 * (the bench died) and after BENCH_SINK_DEADLINE_MS (default 15 min) in any case.
 */
import { createInterface } from 'node:readline';
import { startSmtpSink } from '../src/dev/smtp-sink.ts';

const sink = await startSmtpSink({ host: '127.0.0.1' });

function counts() {
  const ids = new Set<string>();
  for (const message of sink.messages) ids.add(message.parsed.messageId ?? '');
  return {
    messages: sink.messages.length,
    distinct: ids.size,
    firstAt: sink.messages[0]?.receivedAt ?? null,
    lastAt: sink.messages.at(-1)?.receivedAt ?? null,
  };
}

function stats() {
  const arrivals: Record<string, number> = {};
  for (const message of sink.messages) {
    const id = message.parsed.messageId ?? '';
    arrivals[id] = (arrivals[id] ?? 0) + 1;
  }
  return {
    ...counts(),
    arrivals,
    messages: sink.messages.map((message) => [message.parsed.messageId ?? '', message.receivedAt, message.envelope.to.join(',')]),
  };
}

let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await sink.close().catch(() => undefined);
  }
  process.exit(code);
}

const deadline = setTimeout(() => {
  process.stderr.write('smtp-sink-child: deadline reached, exiting\n');
  void stop(1);
}, Number(process.env.BENCH_SINK_DEADLINE_MS ?? 15 * 60_000));
deadline.unref();

process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
process.on('SIGUSR2', () => process.stdout.write(`COUNT ${JSON.stringify(counts())}\n`));

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const command = line.trim();
  if (command === 'count') process.stdout.write(`COUNT ${JSON.stringify(counts())}\n`);
  else if (command === 'stats') process.stdout.write(`STATS ${JSON.stringify(stats())}\n`);
  else if (command === 'quit') void stop(0);
  else if (command !== '') process.stderr.write(`smtp-sink-child: unknown command '${command}'\n`);
});
lines.on('close', () => void stop(0));

process.stdout.write(`SINK ${sink.url}\n`);
