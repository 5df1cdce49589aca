import { randomUUID } from 'node:crypto';
import { IdempotencyConflictError, WrongExpectedVersionError } from '../../src/application/event-store/event-store.errors.js';
import { type EventStore, type RecordedEvent, START } from '../../src/application/event-store/event-store.port.js';
import { UpcasterRegistry } from '../../src/application/event-store/upcasters.js';
import { DomainError } from '../../src/domain/shared/domain-error.js';

/**
 * The event store contract: every adapter (PostgreSQL, EventStoreDB/KurrentDB) runs this same
 * suite. `open` gives a store over a fresh, empty backend; streams are prefixed per test so an
 * adapter whose $all holds other traffic (system events) still passes.
 */
export interface ContractHarness {
  open(upcasters?: UpcasterRegistry): Promise<EventStore>;
  close(): Promise<void>;
  /**
   * Optional: make the backend busy the way an operator's tools do (for PostgreSQL, a transaction
   * left open and idle in another database of the cluster). The whole suite then runs while it
   * is held; the returned function releases it.
   */
  busyNeighbour?(): Promise<() => Promise<void>>;
}

export function eventStoreContract(name: string, harness: () => ContractHarness | undefined) {
  describe(`event store contract: ${name}`, () => {
    let h: ContractHarness;
    let store: EventStore;
    let releaseNeighbour: (() => Promise<void>) | undefined;
    const stream = (label: string) => `${label}-${randomUUID()}`;
    const ev = (type: string, data: unknown = {}) => ({ id: randomUUID(), type, data });
    const ofStreams = (events: RecordedEvent[], ...streams: string[]) => events.filter((e) => streams.includes(e.streamId));
    const readAllEvents = async (from = START) => {
      const out: RecordedEvent[] = [];
      for (let page = await store.readAll(from, { maxCount: 500 }); page.length > 0; page = await store.readAll(page[page.length - 1]!.checkpoint, { maxCount: 500 }))
        out.push(...page);
      return out;
    };
    const expectError = async (promise: Promise<unknown>, kind: Function, check?: (e: any) => void) => {
      const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(kind);
      check?.(error);
    };

    beforeAll(async () => {
      const made = harness();
      if (!made) return;
      h = made;
      store = await h.open();
      releaseNeighbour = await h.busyNeighbour?.();
    });
    afterAll(async () => {
      await releaseNeighbour?.();
      await store?.close();
      await h?.close();
    });

    it('appends to a new stream and reads it back in order, versions from 0', async () => {
      const s = stream('order');
      const result = await store.appendToStream(s, [ev('A', { n: 1 }), ev('B', { n: 2 }), ev('C', { n: 3 })], { expectedVersion: 'no_stream' });
      expect(result.nextExpectedVersion).toBe(2);
      expect(result.replayed).toBe(false);
      const read = await store.readStream(s);
      expect(read.map((e) => [e.type, e.version, e.data])).toEqual([
        ['A', 0, { n: 1 }],
        ['B', 1, { n: 2 }],
        ['C', 2, { n: 3 }],
      ]);
      expect(read.map((e) => e.checkpoint)).toEqual(result.positions.map((p) => p.checkpoint));
    });

    describe('expected version', () => {
      it('a number: accepted when it is the stream version, refused with expected and actual otherwise', async () => {
        const s = stream('exact');
        await store.appendToStream(s, [ev('A'), ev('B')], { expectedVersion: 'no_stream' });
        await expect(store.appendToStream(s, [ev('C')], { expectedVersion: 1 })).resolves.toMatchObject({ nextExpectedVersion: 2 });
        await expectError(store.appendToStream(s, [ev('D')], { expectedVersion: 1 }), WrongExpectedVersionError, (e) => {
          expect(e.expected).toBe(1);
          expect(e.actual).toBe(2);
          expect(e.code).toBe('WRONG_EXPECTED_VERSION');
        });
        await expectError(store.appendToStream(s, [ev('D')], { expectedVersion: 7 }), WrongExpectedVersionError, (e) => expect(e.actual).toBe(2));
        await expectError(store.appendToStream(stream('none'), [ev('D')], { expectedVersion: 0 }), WrongExpectedVersionError, (e) => expect(e.actual).toBe('no_stream'));
        expect((await store.readStream(s)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });

      it('no_stream: accepted for a new stream only', async () => {
        const s = stream('nostream');
        await store.appendToStream(s, [ev('A')], { expectedVersion: 'no_stream' });
        await expectError(store.appendToStream(s, [ev('B')], { expectedVersion: 'no_stream' }), WrongExpectedVersionError, (e) => {
          expect(e.expected).toBe('no_stream');
          expect(e.actual).toBe(0);
        });
        expect(await store.readStream(s)).toHaveLength(1);
      });

      it('stream_exists: refused for a new stream, accepted for an existing one', async () => {
        const s = stream('exists');
        await expectError(store.appendToStream(s, [ev('A')], { expectedVersion: 'stream_exists' }), WrongExpectedVersionError, (e) => expect(e.actual).toBe('no_stream'));
        expect(await store.readStream(s)).toHaveLength(0);
        await store.appendToStream(s, [ev('A')], { expectedVersion: 'any' });
        await expect(store.appendToStream(s, [ev('B')], { expectedVersion: 'stream_exists' })).resolves.toMatchObject({ nextExpectedVersion: 1 });
      });

      it('any: accepted whatever the stream holds', async () => {
        const s = stream('any');
        await store.appendToStream(s, [ev('A')], { expectedVersion: 'any' });
        await store.appendToStream(s, [ev('B')], { expectedVersion: 'any' });
        expect((await store.readStream(s)).map((e) => e.version)).toEqual([0, 1]);
      });

      it('of ten concurrent appends expecting the same version, exactly one wins and no event is lost or doubled', async () => {
        const s = stream('race');
        await store.appendToStream(s, [ev('Start')], { expectedVersion: 'no_stream' });
        const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.appendToStream(s, [ev('Racer', { i })], { expectedVersion: 0 })));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results.filter((r) => r.status === 'rejected')) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
        expect((await store.readStream(s)).map((e) => e.version)).toEqual([0, 1]);
      });

      it('concurrent appends with any all land, each once, in distinct versions', async () => {
        const s = stream('any-race');
        await Promise.all(Array.from({ length: 8 }, (_, i) => store.appendToStream(s, [ev('Racer', { i })], { expectedVersion: 'any' })));
        const read = await store.readStream(s);
        expect(read.map((e) => e.version)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
        expect(new Set(read.map((e) => (e.data as { i: number }).i)).size).toBe(8);
      });
    });

    describe('idempotent appends', () => {
      it('re-appending stored event ids writes nothing and returns the original positions', async () => {
        const s = stream('idem');
        const events = [ev('A'), ev('B')];
        const first = await store.appendToStream(s, events, { expectedVersion: 'no_stream' });
        const again = await store.appendToStream(s, events, { expectedVersion: 'no_stream' });
        expect(again.replayed).toBe(true);
        expect(again.positions).toEqual(first.positions);
        expect(again.nextExpectedVersion).toBe(first.nextExpectedVersion);
        const retryAny = await store.appendToStream(s, events, { expectedVersion: 'any' });
        expect(retryAny.positions).toEqual(first.positions);
        expect(await store.readStream(s)).toHaveLength(2);
      });

      it('an append whose ids are partly stored is refused and writes nothing', async () => {
        const s = stream('idem-part');
        const a = ev('A');
        await store.appendToStream(s, [a], { expectedVersion: 'no_stream' });
        await expectError(store.appendToStream(s, [a, ev('B')], { expectedVersion: 'any' }), IdempotencyConflictError);
        expect(await store.readStream(s)).toHaveLength(1);
      });
    });

    describe('reading', () => {
      it('reads a stream forwards and backwards from a version, with a count', async () => {
        const s = stream('read');
        await store.appendToStream(
          s,
          Array.from({ length: 6 }, (_, i) => ev('N', { i })),
          { expectedVersion: 'no_stream' },
        );
        expect((await store.readStream(s, { fromVersion: 2, maxCount: 3 })).map((e) => e.version)).toEqual([2, 3, 4]);
        expect((await store.readStream(s, { direction: 'backwards' })).map((e) => e.version)).toEqual([5, 4, 3, 2, 1, 0]);
        expect((await store.readStream(s, { direction: 'backwards', fromVersion: 3, maxCount: 2 })).map((e) => e.version)).toEqual([3, 2]);
        expect(await store.readStream(stream('missing'))).toEqual([]);
      });

      it('reads the global log from a checkpoint, in order, without repeats', async () => {
        const a = stream('all-a');
        const b = stream('all-b');
        await store.appendToStream(a, [ev('A1')], { expectedVersion: 'no_stream' });
        const mid = await store.appendToStream(b, [ev('B1'), ev('B2')], { expectedVersion: 'no_stream' });
        await store.appendToStream(a, [ev('A2')], { expectedVersion: 0 });
        expect(ofStreams(await readAllEvents(), a, b).map((e) => e.type)).toEqual(['A1', 'B1', 'B2', 'A2']);
        const after = ofStreams(await readAllEvents(mid.positions[1]!.checkpoint), a, b);
        expect(after.map((e) => e.type)).toEqual(['A2']);
      });
    });

    describe('bad input is refused with the field named, and nothing is written', () => {
      const cases: [string, () => Promise<unknown>, string][] = [
        ['an empty stream name', () => store.appendToStream('', [ev('A')], { expectedVersion: 'any' }), 'streamId'],
        ['a negative version', () => store.appendToStream(stream('neg'), [ev('A')], { expectedVersion: -1 }), 'expectedVersion'],
        ['a fractional version', () => store.appendToStream(stream('frac'), [ev('A')], { expectedVersion: 1.5 }), 'expectedVersion'],
        ['no events', () => store.appendToStream(stream('none'), [], { expectedVersion: 'any' }), 'events'],
        ['an empty type', () => store.appendToStream(stream('type'), [ev('')], { expectedVersion: 'any' }), 'events[0].type'],
        ['a BigInt in data', () => store.appendToStream(stream('big'), [ev('A', { n: 1n })], { expectedVersion: 'any' }), 'events[0].data.n'],
        ['undefined in data', () => store.appendToStream(stream('undef'), [ev('A', { n: undefined })], { expectedVersion: 'any' }), 'events[0].data.n'],
        ['a function in data', () => store.appendToStream(stream('fn'), [ev('A'), ev('B', { f: () => 1 })], { expectedVersion: 'any' }), 'events[1].data.f'],
        ['NaN in data', () => store.appendToStream(stream('nan'), [ev('A', [1, Number.NaN])], { expectedVersion: 'any' }), 'events[0].data[1]'],
        ['a Date in data', () => store.appendToStream(stream('date'), [ev('A', { at: new Date() })], { expectedVersion: 'any' }), 'events[0].data.at'],
        ['an id that is not a UUID', () => store.appendToStream(stream('id'), [{ id: 'x', type: 'A', data: {} }], { expectedVersion: 'any' }), 'events[0].id'],
      ];
      it.each(cases)('%s', async (_label, attempt, field) => {
        const before = (await readAllEvents()).length;
        await expectError(attempt(), DomainError, (e) => {
          expect(e.category).toBe('validation');
          expect(e.field).toBe(field);
          expect(e.message).toContain(field);
        });
        expect((await readAllEvents()).length).toBe(before);
      });

      it('a cyclic object', async () => {
        const data: Record<string, unknown> = {};
        data.self = data;
        await expectError(store.appendToStream(stream('cycle'), [ev('A', data)], { expectedVersion: 'any' }), DomainError, (e) => expect(e.code).toBe('NOT_JSON_SERIALISABLE'));
      });
    });

    describe('subscriptions', () => {
      it('catches up, goes live, and resumes from a checkpoint the consumer stored, without gaps or repeats', async () => {
        const s = stream('sub');
        await store.appendToStream(s, [ev('E', { i: 0 }), ev('E', { i: 1 })], { expectedVersion: 'no_stream' });
        // The consumer's own storage: what it applied and the checkpoint, written together.
        const applied: number[] = [];
        let stored = START;
        const consume = async (events: readonly RecordedEvent[], { checkpoint }: { checkpoint: string }) => {
          for (const e of events) if (e.streamId === s) applied.push((e.data as { i: number }).i);
          stored = checkpoint;
        };
        const first = store.subscribe(START, consume);
        await first.caughtUp();
        expect(applied).toEqual([0, 1]);
        await store.appendToStream(s, [ev('E', { i: 2 })], { expectedVersion: 1 });
        await waitUntil(() => applied.length === 3);
        await first.close();

        await store.appendToStream(s, [ev('E', { i: 3 }), ev('E', { i: 4 })], { expectedVersion: 2 });
        const second = store.subscribe(stored, consume);
        await second.caughtUp();
        await store.appendToStream(s, [ev('E', { i: 5 })], { expectedVersion: 4 });
        await waitUntil(() => applied.length === 6);
        await second.close();
        expect(applied).toEqual([0, 1, 2, 3, 4, 5]);
      });

      it('caughtUp() resolves only when every event committed before the call has been delivered (whatever else the backend is doing)', async () => {
        const prefix = stream('caught-up');
        const delivered = new Set<string>();
        const subscription = store.subscribe(START, async (events) => {
          for (const e of events) if (e.streamId.startsWith(prefix)) delivered.add(e.id);
        });
        try {
          for (let round = 0; round < 5; round++) {
            // Appends from concurrent writers, all acknowledged before the call.
            const appended = await Promise.all(
              Array.from({ length: 4 }, (_, w) =>
                store.appendToStream(`${prefix}-${round}-${w}`, [ev('E', { round, w }), ev('E', { round, w })], { expectedVersion: 'no_stream' }),
              ),
            );
            await subscription.caughtUp();
            const ids = appended.flatMap((a) => a.positions.map((p) => p.id));
            expect(ids.filter((id) => !delivered.has(id))).toEqual([]);
          }
        } finally {
          await subscription.close();
        }
      });

      it('a handler that fails gets the same batch again; the checkpoint does not move past it', async () => {
        const s = stream('sub-fail');
        await store.appendToStream(s, [ev('E', { i: 0 })], { expectedVersion: 'no_stream' });
        let failures = 1;
        const seen: number[] = [];
        const subscription = store.subscribe(
          START,
          async (events) => {
            const mine = events.filter((e) => e.streamId === s);
            if (mine.length > 0 && failures-- > 0) throw new Error('projection down');
            seen.push(...mine.map((e) => (e.data as { i: number }).i));
          },
          { onError: () => undefined },
        );
        await waitUntil(() => seen.length === 1, 10_000);
        await subscription.close();
        expect(seen).toEqual([0]);
      });
    });

    describe('schema versions', () => {
      it('stores the schema version and upcasts old data on read', async () => {
        const s = stream('upcast');
        await store.appendToStream(s, [{ id: randomUUID(), type: 'NoteSaved', data: { text: 'hi' }, schemaVersion: 1 }], { expectedVersion: 'no_stream' });
        const upcasting = await h.open(new UpcasterRegistry([{ type: 'NoteSaved', fromVersion: 1, up: (data) => ({ ...(data as object), visibility: 'csr' }) }]));
        try {
          const [read] = await upcasting.readStream(s);
          expect(read).toMatchObject({ type: 'NoteSaved', schemaVersion: 2, data: { text: 'hi', visibility: 'csr' } });
          const [plain] = await store.readStream(s);
          expect(plain).toMatchObject({ schemaVersion: 1, data: { text: 'hi' } });
          await upcasting.appendToStream(s, [ev('NoteSaved', { text: 'new', visibility: 'all' })], { expectedVersion: 0 });
          const [, fresh] = await store.readStream(s);
          expect(fresh!.schemaVersion).toBe(2);
        } finally {
          await upcasting.close();
        }
      });
    });
  });
}

export async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
