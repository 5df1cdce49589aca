import { jest } from '@jest/globals';
import { ConsentPeers } from './consent-peers.js';
import type { PeerLease, RelayLeases, RelayMessage } from './signalling-bus.port.js';

/**
 * The lease and confirmation rules of ConsentPeers on their own, with an in-memory stand-in for
 * the leases table and the bus (the real ones, and a frozen node, are in
 * test/signalling/signalling-paused-node.e2e.spec.ts). The clock is the test's: time only moves
 * when a test says so.
 */

class Clock {
  ms = 1000;
  readonly now = () => this.ms;
}

function peers(
  options: { others?: () => Promise<readonly PeerLease[]>; renew?: () => Promise<void>; refreshAll?: () => Promise<void>; clock?: Clock; hearing?: () => boolean } = {},
) {
  const published: RelayMessage[] = [];
  const leases: RelayLeases = {
    renew: options.renew ?? (async () => undefined),
    others: options.others ?? (async () => []),
    release: async () => undefined,
  };
  const clock = options.clock ?? new Clock();
  const p = new ConsentPeers(
    'node-a',
    { caughtUp: async () => undefined, refreshAll: options.refreshAll ?? (async () => undefined) },
    leases,
    { publish: async (m) => void published.push(m), hearing: options.hearing ?? (() => true) },
    { leaseMs: 3000, renewEveryMs: 1000, now: clock.now },
  );
  return { p, published, clock };
}

const settled = async <T>(promise: Promise<T>) => {
  let done = false;
  void promise.then(() => (done = true));
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('ConsentPeers', () => {
  afterEach(() => jest.useRealTimers());

  it('SHR-4 relays on kept state only once a renewal and its re-read of every held session are done, and not past the lease', async () => {
    let release!: () => void;
    const refreshed = new Promise<void>((resolve) => (release = resolve));
    const { p, clock } = peers({ refreshAll: () => refreshed });
    const started = p.start();
    expect(p.valid()).toBe(false); // renewed, not yet re-read
    release();
    await started;
    expect(p.valid()).toBe(true);
    clock.ms += 3000; // the lease's length, with no renewal since: the node's own deadline has passed
    expect(p.valid()).toBe(false);
    await p.stop();
  });

  it('SHR-4 a failed renewal leaves the old deadline to run out; stop() ends relaying on kept state at once', async () => {
    jest.useFakeTimers();
    let fail = false;
    const clock = new Clock();
    const { p } = peers({
      clock,
      renew: async () => {
        if (fail) throw new Error('database away');
      },
    });
    await p.start();
    fail = true;
    clock.ms += 2000;
    await jest.advanceTimersByTimeAsync(2000); // two renewals, both failed
    expect(p.valid()).toBe(true);
    clock.ms += 1000;
    await jest.advanceTimersByTimeAsync(1000);
    expect(p.valid()).toBe(false);
    fail = false;
    clock.ms += 1000;
    await jest.advanceTimersByTimeAsync(1000); // the database is back: the next renewal restores it
    expect(p.valid()).toBe(true);
    await p.stop();
    expect(p.valid()).toBe(false);
  });

  it('SHR-4 a node deaf to the bus (its subscription down) stops renewing, so its lease runs out rather than hold others up, and still re-reads its sessions', async () => {
    jest.useFakeTimers();
    let hearing = true;
    let renewals = 0;
    let refreshes = 0;
    const clock = new Clock();
    const { p } = peers({
      clock,
      hearing: () => hearing,
      renew: async () => void renewals++,
      refreshAll: async () => void refreshes++,
    });
    await p.start();
    hearing = false;
    clock.ms += 3000;
    await jest.advanceTimersByTimeAsync(3000);
    expect({ renewals, refreshes, valid: p.valid() }).toEqual({ renewals: 1, refreshes: 4, valid: false });
    hearing = true;
    clock.ms += 1000;
    await jest.advanceTimersByTimeAsync(1000);
    expect({ renewals, valid: p.valid() }).toEqual({ renewals: 2, valid: true });
    await p.stop();
  });

  it('SHR-4 with no other lease, a consent change is answered at once; with one, not before that node confirms the version', async () => {
    expect(await settled(peers().p.confirm('s1', 4))).toBe(true);

    const { p, published } = peers({ others: async () => [{ node: 'node-b', remainingMs: 60_000 }] });
    const confirming = p.confirm('s1', 4);
    expect(await settled(confirming)).toBe(false);
    expect(published).toEqual([{ node: 'node-a', sessionId: 's1', changed: 4, confirm: true }]);
    await p.heardFrom({ node: 'node-b', sessionId: 's1', confirmed: 3, to: 'node-a' }); // an older version does not count
    expect(await settled(confirming)).toBe(false);
    await p.heardFrom({ node: 'node-b', sessionId: 's1', confirmed: 4, to: 'node-a' });
    expect(await settled(confirming)).toBe(true);
  });

  it('SHR-4 a node that never confirms holds the answer for one lease from the read, plus the margin, whatever remaining time the database reported', async () => {
    jest.useFakeTimers();
    const clock = new Clock();
    // A database clock stepped back reports hours left.
    const { p } = peers({
      clock,
      others: async () => [{ node: 'node-b', remainingMs: 3_600_000 }],
    });
    const confirming = p.confirm('s1', 4);
    let done = false;
    void confirming.then(() => (done = true));
    await jest.advanceTimersByTimeAsync(0);
    clock.ms += 3000;
    await jest.advanceTimersByTimeAsync(3000);
    expect(done).toBe(false); // the lease alone is not enough: clocks may run at different rates
    clock.ms += 100;
    await jest.advanceTimersByTimeAsync(100);
    expect(done).toBe(true);
  });

  it('SHR-4 a stop during the first renewal leaves no renewal running', async () => {
    jest.useFakeTimers();
    let renewals = 0;
    let release!: () => void;
    const first = new Promise<void>((resolve) => (release = resolve));
    const { p } = peers({ renew: () => (++renewals === 1 ? first : Promise.resolve()) });
    const started = p.start();
    const stopped = p.stop();
    release();
    await started;
    await stopped;
    await jest.advanceTimersByTimeAsync(5000);
    expect(renewals).toBe(1);
    expect(p.valid()).toBe(false);
  });

  it('SHR-4 leases that cannot be read cost one whole lease; a change to confirm is answered after the session was caught up', async () => {
    jest.useFakeTimers();
    const clock = new Clock();
    const { p } = peers({ clock, others: async () => Promise.reject(new Error('database away')) });
    let done = false;
    void p.confirm('s1', 4).then(() => (done = true));
    await jest.advanceTimersByTimeAsync(0);
    clock.ms += 2900;
    await jest.advanceTimersByTimeAsync(2900);
    expect(done).toBe(false);
    clock.ms += 200;
    await jest.advanceTimersByTimeAsync(200);
    expect(done).toBe(true);

    const order: string[] = [];
    const confirmer = new ConsentPeers(
      'node-b',
      { caughtUp: async () => void order.push('caught up'), refreshAll: async () => undefined },
      { renew: async () => undefined, others: async () => [], release: async () => undefined },
      { publish: async (m) => void order.push(`published ${JSON.stringify(m)}`), hearing: () => true },
      { leaseMs: 3000, renewEveryMs: 1000 },
    );
    await confirmer.heardFrom({ node: 'node-a', sessionId: 's1', changed: 4, confirm: true });
    expect(order).toEqual(['caught up', `published ${JSON.stringify({ node: 'node-b', sessionId: 's1', confirmed: 4, to: 'node-a' })}`]);
  });
});
