import type { EventStore } from '../../application/event-store/event-store.port.js';
import { inSpan } from '../../application/operations/tracing.js';

/**
 * The event store with a span around each append (`eventstore.append`: stream, event count,
 * expected version), so a trace shows the write a command made; every other call passes through.
 */
export function tracedEventStore<T extends EventStore>(store: T): T {
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (property === 'appendToStream') {
        const append = target.appendToStream.bind(target);
        return ((streamId, events, options) =>
          inSpan('eventstore.append', { 'tandem.stream.id': streamId, 'tandem.events': events.length, 'tandem.expected_version': String(options.expectedVersion) }, () =>
            append(streamId, events, options),
          )) satisfies EventStore['appendToStream'];
      }
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
