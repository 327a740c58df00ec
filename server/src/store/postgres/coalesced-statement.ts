/**
 * One statement for many callers: calls made in the same turn of the event loop go together,
 * and calls made while the previous statement is on its way wait and go together as the next
 * one. Under load a receiver then pays one round trip per batch instead of per request; when
 * idle, a call waits one turn, then goes alone.
 */

interface Waiter<In, Out> {
  input: In;
  resolve(output: Out): void;
  reject(error: unknown): void;
}

/**
 * Wraps `send`, which takes every waiting input and returns one output per input in the same
 * order, into a function of one input. A failing `send` rejects every call of its batch.
 */
export function coalesced<In, Out>(send: (inputs: In[]) => Promise<Out[]>): (input: In) => Promise<Out> {
  let waiting: Waiter<In, Out>[] = [];
  let sending = false;

  const flush = async (): Promise<void> => {
    const batch = waiting;
    waiting = [];
    sending = true;
    try {
      const outputs = await send(batch.map((waiter) => waiter.input));
      batch.forEach((waiter, index) => waiter.resolve(outputs[index]!));
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    } finally {
      sending = false;
      if (waiting.length > 0) void flush();
    }
  };

  let scheduled = false;
  return (input) => new Promise<Out>((resolve, reject) => {
    waiting.push({ input, resolve, reject });
    // Sent at the end of this turn of the event loop, not at once: the requests whose bodies
    // arrived together then go together, instead of the first alone and the rest after it.
    if (!sending && !scheduled) {
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        if (!sending) void flush();
      });
    }
  });
}
