import type { RecordedEvent } from '../event-store/event-store.port.js';

type Listener = (sessionId: string) => void;

/**
 * Tells live subscribers which sessions changed, once the read model shows the change. Fed by
 * the projection runner of this node; every node runs it, so subscribers on any node hear of
 * every change.
 */
export class SessionChangeFeed {
  private readonly listeners = new Set<Listener>();

  /** Called with each batch the session projection committed. */
  applied(events: readonly RecordedEvent[]): void {
    const changed = new Set(events.filter((e) => e.streamId.startsWith('session-')).map((e) => e.streamId.slice('session-'.length)));
    for (const id of changed) for (const listener of this.listeners) listener(id);
  }

  /** Session ids as they change, until the consumer stops iterating. Bursts are coalesced. */
  changes(filter: (sessionId: string) => boolean = () => true): AsyncIterableIterator<string> {
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
