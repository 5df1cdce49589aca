import { fold } from '../../domain/shared/decider.js';
import { sessionDecider, type SessionEvent } from '../../domain/session/index.js';
import { CSR, CUSTOMER, ev, SESSION_ID, withCustomerAndHelper } from '../../domain/session/testing/session.fixtures.js';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { ConsentView } from './consent-view.js';
import type { CloseMedia } from './signalling.policy.js';

/** One session stream in memory, appended to by "another node"; counts the fenced reads. */
function stream(initial: SessionEvent[]) {
  const events: SessionEvent[] = [...initial];
  const recorded = (from: number): RecordedEvent[] =>
    events.slice(from).map((e, i) => ({
      id: `e${from + i}`,
      streamId: `session-${SESSION_ID}`,
      version: from + i,
      type: e.type,
      data: e.data,
      metadata: {},
      schemaVersion: 1,
      recordedAt: new Date(0),
      position: 0n,
      checkpoint: '',
    }));
  const reads = { versions: 0, streams: 0 };
  return {
    events,
    reads,
    store: { readStream: async (_: string, o: { fromVersion?: number } = {}) => (reads.streams++, recorded(o.fromVersion ?? 0)) },
    versions: {
      newer: async (known: ReadonlyMap<string, number>) => (reads.versions++, [...known].filter(([id, v]) => id === SESSION_ID && events.length - 1 > v).map(([id]) => id)),
    },
  };
}

const approved = (): SessionEvent[] => [...withCustomerAndHelper(), ev.shareRequested('sh-1'), ev.shareApproved('sh-1')];

describe('ConsentView (the gateway consent, on current state)', () => {
  it('SHR-4 a command applied on this node refuses the next frame at once and reports close-media for both ends', async () => {
    const s = stream(approved());
    const view = new ConsentView(s.store, s.versions);
    const closes: CloseMedia[][] = [];
    view.onChange((_, c) => closes.push([...c]));
    await view.watch(SESSION_ID);
    expect(await view.decide(SESSION_ID, CSR, CUSTOMER, 'desktop', 'sh-1')).toMatchObject({ ok: true, to: [CUSTOMER] });

    s.events.push(ev.shareEnded('sh-1', 'stopped'));
    view.apply(SESSION_ID, s.events.length - 1, fold(sessionDecider, s.events));
    expect(closes).toEqual([[{ media: 'desktop', shareId: 'sh-1', reason: 'share_ended', parties: [CSR, CUSTOMER] }]]);
    expect(view.stillAllowed(SESSION_ID, s.events.length - 2, CSR, CUSTOMER, 'desktop', 'sh-1')).toBe(false);
    expect(await view.decide(SESSION_ID, CSR, CUSTOMER, 'desktop', 'sh-1')).toMatchObject({ ok: false, code: 'SHARE_NOT_APPROVED' });
  });

  it('SHR-4 / SES-7 what another node appended is seen by the fenced read before the next frame goes', async () => {
    const s = stream(approved());
    const view = new ConsentView(s.store, s.versions);
    await view.watch(SESSION_ID);
    s.events.push(ev.shareEnded('sh-1', 'stopped')); // nothing applied here: another node's command
    expect(await view.decide(SESSION_ID, CSR, CUSTOMER, 'desktop', 'sh-1')).toMatchObject({ ok: false, code: 'SHARE_NOT_APPROVED', version: s.events.length - 1 });
  });

  it('frames waiting at the same moment share one version read; an unchanged stream is not re-read', async () => {
    const s = stream(approved());
    const view = new ConsentView(s.store, s.versions);
    await view.watch(SESSION_ID);
    const before = { ...s.reads };
    const decisions = await Promise.all(Array.from({ length: 50 }, () => view.decide(SESSION_ID, CSR, CUSTOMER, 'desktop', 'sh-1')));
    expect(decisions.every((d) => d.ok)).toBe(true);
    expect({ versions: s.reads.versions - before.versions, streams: s.reads.streams - before.streams }).toEqual({ versions: 1, streams: 0 });
  });

  it('a frame another node decided at an older version is held back only when this node knows better', async () => {
    const s = stream(approved());
    const view = new ConsentView(s.store, s.versions);
    const { version } = await view.watch(SESSION_ID);
    expect(view.stillAllowed(SESSION_ID, version, CSR, CUSTOMER, 'desktop', 'sh-1')).toBe(true);
    expect(view.stillAllowed(SESSION_ID, version + 5, CSR, CUSTOMER, 'desktop', 'sh-1')).toBe(true); // the sender knew a newer state
    view.unwatch(SESSION_ID);
    expect(view.current(SESSION_ID)).toBeUndefined();
  });
});
