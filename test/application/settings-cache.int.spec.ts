import { SettingsChangeFeed } from '../../src/application/projections/change-feed.js';
import { SessionService } from '../../src/application/sessions/session.service.js';
import type { EventStore } from '../../src/application/event-store/event-store.port.js';
import { createTestEventStore, type TestEventStore } from '../support/test-database.js';

/**
 * ADM-1: the session service keeps the site's settings per node and reads their stream again
 * only after a settings change reached this node's log reader, or once SETTINGS_MAX_AGE_MS
 * passed; not per command. Counted on the real PostgreSQL event store, through a wrapper that
 * counts reads of the settings stream. The read model, numbers and progress are not used by
 * `settings()` and `saveSettings()` and are left out.
 */

let t: TestEventStore;
let reads = 0;
beforeAll(async () => {
  t = await createTestEventStore('settings_cache');
});
afterAll(() => t?.close());

function service(feed: SettingsChangeFeed, maxAgeMs: number): SessionService {
  const store = new Proxy(t.store as EventStore, {
    get(target, key, receiver) {
      if (key !== 'readStream') return Reflect.get(target, key, receiver);
      return (streamId: string, options?: unknown) => {
        if (streamId === 'settings-site') reads++;
        return target.readStream(streamId, options as never);
      };
    },
  });
  return new SessionService(store, {} as never, {} as never, {} as never, 'https://support.example.com', undefined, undefined, undefined, undefined, feed, maxAgeMs);
}

describe('settings kept per node', () => {
  it('ADM-1 with no settings ever saved, twenty reads of the settings within their max age read the stream once', async () => {
    const feed = new SettingsChangeFeed();
    const sessions = service(feed, 60_000);
    reads = 0;
    for (let i = 0; i < 20; i++) await sessions.settings();
    expect(reads).toBe(1);
  });

  it('ADM-1 a settings change seen by the log reader makes the next read go to the stream, once', async () => {
    const feed = new SettingsChangeFeed();
    const sessions = service(feed, 60_000);
    await sessions.settings();
    reads = 0;
    feed.applied([{ streamId: 'settings-site' } as never]);
    await sessions.settings();
    await sessions.settings();
    expect(reads).toBe(1);
  });

  it('ADM-1 past the max age the stream is read again even with no change seen', async () => {
    const feed = new SettingsChangeFeed();
    const sessions = service(feed, 0);
    reads = 0;
    await sessions.settings();
    await sessions.settings();
    expect(reads).toBe(2);
  });
});
