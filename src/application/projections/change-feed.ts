import type { RecordedEvent } from '../event-store/event-store.port.js';

type Listener = (id: string) => void;

/**
 * Tells live subscribers which aggregates (streams `<prefix><id>`) changed, once the read model
 * shows the change. Fed by the projection runner of this node; every node runs it, so
 * subscribers on any node hear of every change.
 */
export class ChangeFeed {
  private readonly listeners = new Set<Listener>();
  private batches = 0;

  constructor(private readonly prefix: string) {}

  /**
   * Batches with changes of this feed's aggregates the read model has committed so far on this
   * node: a value read from the read model stays current while this number stays the same.
   */
  get generation(): number {
    return this.batches;
  }

  /** Live listeners (one per open subscription): a closed subscription must leave none behind. */
  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Called with each batch the read model's projection committed. */
  applied(events: readonly RecordedEvent[]): void {
    const changed = new Set(events.filter((e) => e.streamId.startsWith(this.prefix)).map((e) => e.streamId.slice(this.prefix.length)));
    if (changed.size > 0) this.batches++;
    for (const id of changed) for (const listener of this.listeners) listener(id);
  }

  /** Ids as they change, until the consumer stops iterating. Bursts are coalesced. */
  changes(filter: (id: string) => boolean = () => true): AsyncIterableIterator<string> {
    const pending = new Set<string>();
    let wake: (() => void) | undefined;
    let done = false;
    const listener: Listener = (id) => {
      if (!filter(id)) return;
      pending.add(id);
      wake?.();
    };
    this.listeners.add(listener);
    const stop = () => {
      done = true;
      this.listeners.delete(listener);
      wake?.();
    };
    const iterator: AsyncIterableIterator<string> = {
      [Symbol.asyncIterator]: () => iterator,
      next: async () => {
        while (!done && pending.size === 0) await new Promise<void>((resolve) => (wake = resolve));
        if (done) return { value: undefined, done: true };
        const [id] = pending;
        pending.delete(id!);
        return { value: id!, done: false };
      },
      return: async () => {
        stop();
        return { value: undefined, done: true };
      },
    };
    return iterator;
  }
}

/**
 * `body` (an async generator reading `source`) as an iterator whose `return()` ends `source`
 * first. A generator paused in `for await` cannot run its `finally` until the source yields, so
 * a quiet feed would keep its listener forever; ending the source wakes it at once.
 */
export function endingWith<T>(source: { return?(): Promise<unknown> }, body: AsyncGenerator<T>): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]: () => iterator,
    next: () => body.next(),
    return: async (value?: unknown) => {
      await source.return?.();
      return body.return(value as T);
    },
    throw: async (error?: unknown) => {
      await source.return?.();
      return body.throw(error);
    },
  };
  return iterator;
}

/** The feeds of the two live read models. */
export class SessionChangeFeed extends ChangeFeed {
  constructor() {
    super('session-');
  }
}

export class QueueChangeFeed extends ChangeFeed {
  constructor() {
    super('queue-');
  }
}

/**
 * Changes of the settings stream (`settings-site`) as this node's log reader reads them, before
 * any read model: every node's reader sees every event, so a value folded from that stream
 * stays current on a node while this feed's generation stays the same.
 */
export class SettingsChangeFeed extends ChangeFeed {
  constructor() {
    super('settings-');
  }
}
