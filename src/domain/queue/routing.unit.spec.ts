import { estimatedWait, planOffers } from './routing.js';
import type { QueueEvent } from './queue.events.js';
import type { OpenQueue } from './queue.state.js';
import { ANN, BOB, context, ev, stateAfter, t, withAnnAndBob } from './testing/queue.fixtures.js';

const open = (events: Parameters<typeof stateAfter>[0]): OpenQueue => {
  const state = stateAfter(events);
  if (state.status !== 'open') throw new Error('expected an open queue');
  return state;
};

/** Two items accepted after waiting 60 s and 120 s: 90 s on average. */
const history = [
  ...withAnnAndBob(),
  ev.inbound('old-1', 0),
  ev.offered('old-1', ANN, 1, 50),
  ev.acceptedInbound('old-1', ANN, 1, 60, 0),
  ev.inbound('old-2', 0),
  ev.offered('old-2', BOB, 1, 100),
  ev.acceptedInbound('old-2', BOB, 1, 120, 0),
];

describe('estimated wait', () => {
  it('is unknown without history', () => {
    expect(estimatedWait(stateAfter(withAnnAndBob()), t(60))).toBeNull();
  });

  it('is the average recent wait times the position in line, shared among available agents', () => {
    const waiting = [...history, ev.inbound('item-1', 130), ev.inbound('item-2', 140), ev.inbound('item-3', 150)];
    // A newcomer would be fourth: 90 s * 4 / 2 agents.
    expect(estimatedWait(stateAfter(waiting), t(150))).toBe(180_000);
    // The second in line, who has waited 10 s already: 90 s * 2 / 2 - 10 s.
    expect(estimatedWait(stateAfter(waiting), t(150), 'item-2')).toBe(80_000);
    // With nobody available the line is not shared: 90 s * 1 / max(1, 0).
    expect(estimatedWait(stateAfter([...waiting, ev.availability(ANN, 150, false), ev.availability(BOB, 150, false)]), t(150), 'item-1')).toBe(70_000);
  });

  it('keeps the last 20 waits only', () => {
    const many: QueueEvent[] = [...withAnnAndBob()];
    for (let i = 0; i < 25; i++) {
      many.push(ev.inbound(`i-${i}`, 0), ev.offered(`i-${i}`, ANN, 1, 0), ev.acceptedInbound(`i-${i}`, ANN, 1, i < 5 ? 1000 : 10, 0));
    }
    const state = open(many);
    expect(state.recentWaitsMs).toHaveLength(20);
    expect(estimatedWait(state, t(10))).toBe(5_000); // 10 s * 1 / 2 agents; the five 1000 s waits are forgotten
  });
});

describe('routing policy', () => {
  it('Q-6 offers every waiting item it can, first in first out, longest idle first, one per agent', () => {
    const q = open([...withAnnAndBob(), ev.inbound('item-1', 10), ev.inbound('item-2', 11), ev.inbound('item-3', 12)]);
    expect(planOffers(q, context().agents).map(({ why: _why, ...plan }) => plan)).toEqual([
      { offerId: 'item-1:1', itemId: 'item-1', agentId: ANN, attempt: 1 },
      { offerId: 'item-2:1', itemId: 'item-2', agentId: BOB, attempt: 1 },
    ]);
  });

  it('Q-5 a hand-over goes to every eligible agent at once, without making them busy for inbound requests', () => {
    const q = open([...withAnnAndBob(), ev.inbound('item-1', 10), ev.handOver('item-2', { kind: 'agents', agentIds: [ANN, BOB] }, 11), ev.inbound('item-3', 12)]);
    expect(planOffers(q, context().agents).map(({ why: _why, ...plan }) => plan)).toEqual([
      { offerId: 'item-1:1', itemId: 'item-1', agentId: ANN, attempt: 1 },
      { offerId: 'item-2:1:agent-ann', itemId: 'item-2', agentId: ANN, attempt: 1 },
      { offerId: 'item-2:1:agent-bob', itemId: 'item-2', agentId: BOB, attempt: 1 },
      { offerId: 'item-3:1', itemId: 'item-3', agentId: BOB, attempt: 1 },
    ]);
  });

  it('a state persisted before broadcast (no offeredInRound) never re-offers an agent holding an offer of the item', () => {
    const q = open([...withAnnAndBob(), ev.handOver('item-1', { kind: 'agents', agentIds: [ANN, BOB] }, 10), ev.offered('item-1', ANN, 1, 10)]);
    const legacy: OpenQueue = { ...q, waiting: q.waiting.map(({ offeredInRound: _dropped, ...item }) => item) };
    expect(planOffers(legacy, context().agents).map(({ why: _why, ...plan }) => plan)).toEqual([{ offerId: 'item-1:1:agent-bob', itemId: 'item-1', agentId: BOB, attempt: 1 }]);
  });

  it('Q-1 an agent absent from the resolved facts is never offered anything', () => {
    const q = open([...withAnnAndBob(), ev.inbound('item-1', 10)]);
    const others = new Map(context().agents);
    others.delete(ANN);
    expect(planOffers(q, others).map(({ why: _why, ...plan }) => plan)).toEqual([{ offerId: 'item-1:1', itemId: 'item-1', agentId: BOB, attempt: 1 }]);
  });
});
