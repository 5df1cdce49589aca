import * as E from './queue.errors.js';
import {
  accept,
  ANN,
  asAgent,
  asCustomer,
  asSystem,
  bid,
  BOB,
  CID,
  cmd,
  context,
  CUSTOMER,
  CUSTOMER_DETAILS,
  decline,
  enqueueHandOver,
  enqueueInbound,
  ev,
  expire,
  GIVER,
  iso,
  NOW_S,
  QUEUE_ID,
  SESSION_ID,
  spec,
  stateAfter,
  STRANGER,
  t,
  withAnnAndBob,
} from './testing/queue.fixtures.js';

describe('inbound requests (SES-2, Q-6)', () => {
  it('Q-6 an inbound request is offered to the available agent idle longest', () => {
    spec
      .given(withAnnAndBob())
      .when(enqueueInbound('item-1'))
      .then([ev.inbound('item-1'), ev.offered('item-1', ANN)]);
  });

  it('Q-6 longest idle means the earliest idleSince, not the order in the queue', () => {
    spec
      .given([ev.created(), ev.availability(BOB, 1), ev.availability(ANN, 2)])
      .when(enqueueInbound('item-1'))
      .then([ev.inbound('item-1'), ev.offered('item-1', BOB)]);
  });

  it('Q-6 requests wait first in first out, one open offer per agent', () => {
    const given = [...withAnnAndBob(), ev.inbound('item-1', 10), ev.offered('item-1', ANN, 1, 10)];
    spec
      .given(given)
      .when(enqueueInbound('item-2'))
      .then([ev.inbound('item-2'), ev.offered('item-2', BOB)]);
    // With every agent busy answering an offer, the third waits.
    spec
      .given([...given, ev.inbound('item-2', 20), ev.offered('item-2', BOB, 1, 20)])
      .when(enqueueInbound('item-3'))
      .then([ev.inbound('item-3')]);
  });

  it('Q-6 nobody available: the request waits, and is offered when an agent comes', () => {
    spec
      .given([ev.created()])
      .when(enqueueInbound('item-1'))
      .then([ev.inbound('item-1')]);
    spec
      .given([ev.created(), ev.inbound('item-1', 10)])
      .when(cmd('SetAgentAvailability', { agentId: BOB, available: true }, asAgent(BOB)))
      .then([ev.availability(BOB, NOW_S), ev.offered('item-1', BOB)]);
  });

  it('SES-2 an inbound request needs WebACD on the site', () => {
    spec.given(withAnnAndBob(), context({}, false)).when(enqueueInbound('item-1')).thenError(E.WEBACD_DISABLED);
  });

  it('SES-2 an inbound request needs the customer and the page they came from', () => {
    spec
      .given(withAnnAndBob())
      .when(enqueueInbound('item-1', { originUrl: 'not a url' }))
      .thenError(E.INVALID_INBOUND_REQUEST);
    spec
      .given(withAnnAndBob())
      .when(enqueueInbound('item-1', { customer: { ...CUSTOMER_DETAILS, email: 'nope' } }))
      .thenError(E.INVALID_INBOUND_REQUEST);
  });

  it('SES-2 the problem may be 2000 characters, not 2001', () => {
    spec
      .given([ev.created()])
      .when(enqueueInbound('item-1', { problem: 'x'.repeat(2000) }))
      .thenContains([{ type: 'InboundRequestEnqueued' }]);
    spec
      .given([ev.created()])
      .when(enqueueInbound('item-1', { problem: 'x'.repeat(2001) }))
      .thenError(E.PROBLEM_TOO_LONG);
  });

  it('refuses an item id already in the queue', () => {
    spec
      .given([ev.created(), ev.inbound('item-1')])
      .when(enqueueInbound('item-1'))
      .thenError(E.DUPLICATE_ITEM);
  });

  it('SES-3 an agent at their maximum load is not offered anything', () => {
    spec
      .given(withAnnAndBob(), context({ [ANN]: { liveLoad: 1, maxLoad: 1 } }))
      .when(enqueueInbound('item-1'))
      .then([ev.inbound('item-1'), ev.offered('item-1', BOB)]);
    spec
      .given(withAnnAndBob(), context({ [ANN]: { liveLoad: 3, maxLoad: 3 }, [BOB]: { liveLoad: 1, maxLoad: 1 } }))
      .when(enqueueInbound('item-1'))
      .then([ev.inbound('item-1')]);
  });

  it('SES-3 when an agent load drops, RouteWaitingItems offers them what waits', () => {
    const given = [...withAnnAndBob(), ev.inbound('item-1', 10)];
    spec
      .given(given, context({ [ANN]: { liveLoad: 1 }, [BOB]: { liveLoad: 1 } }))
      .when(cmd('RouteWaitingItems', {}, asSystem()))
      .then([]);
    spec
      .given(given, context({ [BOB]: { liveLoad: 1 } }))
      .when(cmd('RouteWaitingItems', {}, asSystem()))
      .then([ev.offered('item-1', ANN)]);
  });

  it('SES-3 in multi-session mode an agent below the maximum is still offered work', () => {
    spec
      .given(withAnnAndBob(), context({ [ANN]: { liveLoad: 2, maxLoad: 3 } }))
      .when(enqueueInbound('item-1'))
      .then([ev.inbound('item-1'), ev.offered('item-1', ANN)]);
  });
});

describe('WebACD agents only (Q-1)', () => {
  it('Q-1 a user who is not a WebACD agent cannot accept or decline', () => {
    const given = [...withAnnAndBob(), ev.inbound('item-1'), ev.offered('item-1', ANN)];
    spec.given(given).when(accept('item-1:1', STRANGER)).thenError(E.NOT_WEBACD_AGENT);
    spec
      .given(given, context({ [ANN]: { webacdAgent: false } }))
      .when(accept('item-1:1', ANN))
      .thenError(E.NOT_WEBACD_AGENT);
    spec
      .given(given, context({ [ANN]: { webacdAgent: false } }))
      .when(decline('item-1:1', ANN))
      .thenError(E.NOT_WEBACD_AGENT);
  });

  it('Q-1 routing never offers to an agent who lost the WebACD privilege', () => {
    spec
      .given(withAnnAndBob(), context({ [ANN]: { webacdAgent: false } }))
      .when(enqueueInbound('item-1'))
      .then([ev.inbound('item-1'), ev.offered('item-1', BOB)]);
  });

  it('Q-1 a giver who is not a WebACD agent cannot hand a session to the queue', () => {
    const byGiver = { ...enqueueHandOver('item-1', { kind: 'queue', queueId: QUEUE_ID }), metadata: asAgent(GIVER) };
    spec
      .given(withAnnAndBob(), context({ [GIVER]: { webacdAgent: false } }))
      .when(byGiver)
      .thenError(E.NOT_WEBACD_AGENT);
    spec
      .given(withAnnAndBob())
      .when(byGiver)
      .thenContains([{ type: 'HandOverEnqueued' }]);
  });

  it('Q-1 a user who is not a WebACD agent cannot make themselves available', () => {
    spec
      .given([ev.created()], context({ [ANN]: { webacdAgent: false } }))
      .when(cmd('SetAgentAvailability', { agentId: ANN, available: true }, asAgent(ANN)))
      .thenError(E.NOT_WEBACD_AGENT);
  });
});

describe('hand-overs (Q-2, Q-3)', () => {
  it('Q-2 a hand-over to the queue is offered to every available agent of it', () => {
    spec
      .given(withAnnAndBob())
      .when(enqueueHandOver('item-1', { kind: 'queue', queueId: QUEUE_ID }))
      .then([ev.handOver('item-1', { kind: 'queue', queueId: QUEUE_ID }), ev.broadcast('item-1', ANN), ev.broadcast('item-1', BOB)]);
  });

  it('Q-2 a hand-over to named agents is offered to those agents only', () => {
    spec
      .given(withAnnAndBob())
      .when(enqueueHandOver('item-1', { kind: 'agents', agentIds: [BOB] }))
      .then([ev.handOver('item-1', { kind: 'agents', agentIds: [BOB] }), ev.broadcast('item-1', BOB)]);
    // ...and it waits while they are away or at capacity, even with others free.
    spec
      .given([...withAnnAndBob(), ev.availability(BOB, 10, false)])
      .when(enqueueHandOver('item-1', { kind: 'agents', agentIds: [BOB] }))
      .then([ev.handOver('item-1', { kind: 'agents', agentIds: [BOB] })]);
    spec
      .given(withAnnAndBob(), context({ [BOB]: { liveLoad: 1, maxLoad: 1 } }))
      .when(enqueueHandOver('item-1', { kind: 'agents', agentIds: [BOB] }))
      .then([ev.handOver('item-1', { kind: 'agents', agentIds: [BOB] })]);
  });

  it('Q-2 the target is exactly one queue or one or more agents, never both, never neither', () => {
    const both = { kind: 'queue', queueId: QUEUE_ID, agentIds: [BOB] } as never;
    spec.given(withAnnAndBob()).when(enqueueHandOver('item-1', both)).thenError(E.INVALID_HANDOVER_TARGET);
    spec
      .given(withAnnAndBob())
      .when(enqueueHandOver('item-1', { kind: 'agents', agentIds: [] }))
      .thenError(E.INVALID_HANDOVER_TARGET);
    spec
      .given(withAnnAndBob())
      .when(enqueueHandOver('item-1', { kind: 'queue', queueId: 'q-other' }))
      .thenError(E.INVALID_HANDOVER_TARGET);
    spec
      .given(withAnnAndBob())
      .when(enqueueHandOver('item-1', { kind: 'agents', agentIds: [GIVER] }))
      .thenError(E.INVALID_HANDOVER_TARGET);
    spec
      .given(withAnnAndBob())
      .when(enqueueHandOver('item-1', { kind: 'agents', agentIds: [STRANGER] }))
      .thenError(E.AGENT_NOT_IN_QUEUE);
  });

  it('Q-3 a personal message of 345 characters is kept, 346 is refused', () => {
    const target = { kind: 'queue', queueId: QUEUE_ID } as const;
    const ok = 'é'.repeat(345);
    spec
      .given([ev.created()])
      .when(enqueueHandOver('item-1', target, ok))
      .then([ev.handOver('item-1', target, NOW_S, ok)]);
    spec
      .given([ev.created()])
      .when(enqueueHandOver('item-1', target, 'é'.repeat(346)))
      .thenError(E.HANDOVER_MESSAGE_TOO_LONG);
  });
});

describe('hand-over broadcast (Q-3, Q-5)', () => {
  const named = { kind: 'agents', agentIds: [ANN, BOB] } as const;
  const queue = { kind: 'queue', queueId: QUEUE_ID } as const;
  const everyone = [ev.created(), ev.availability(ANN, 1), ev.availability(BOB, 2), ev.availability(CID, 3)];
  /** Handed over to ANN and BOB at second 10, broadcast at 50 (expires at 80). */
  const broadcastToAnnAndBob = [...everyone, ev.handOver('item-1', named, 10), ev.broadcast('item-1', ANN, 1, 50), ev.broadcast('item-1', BOB, 1, 50)];

  it("Q-5 a hand-over is offered to every available named agent at once; the first accept wins and the others' offers are withdrawn", () => {
    spec
      .given(everyone)
      .when(enqueueHandOver('item-1', named))
      .then([ev.handOver('item-1', named), ev.broadcast('item-1', ANN), ev.broadcast('item-1', BOB)]);
    spec
      .given(broadcastToAnnAndBob)
      .when(accept(bid('item-1', 1, BOB), BOB))
      .then([ev.acceptedHandOver('item-1', BOB, 1, NOW_S, 10), ev.bWithdrawn('item-1', ANN, 'taken')]);
    const after = stateAfter([...broadcastToAnnAndBob, ev.acceptedHandOver('item-1', BOB, 1, NOW_S, 10), ev.bWithdrawn('item-1', ANN, 'taken')]);
    expect(after.status === 'open' && [after.waiting.size, after.offers.size]).toEqual([0, 0]);
  });

  it('Q-5 a second agent accepting the same handed-over session gets OFFER_ALREADY_TAKEN', () => {
    const taken = [...broadcastToAnnAndBob, ev.acceptedHandOver('item-1', BOB, 1, 55, 10), ev.bWithdrawn('item-1', ANN, 'taken', 1, 55)];
    spec
      .given(taken)
      .when(accept(bid('item-1', 1, ANN), ANN))
      .thenError(E.OFFER_ALREADY_TAKEN);
    // ...also when the late offer had expired, and when the winner retries.
    spec
      .given(taken)
      .when(accept(bid('item-1', 1, ANN), ANN, t(85)))
      .thenError(E.OFFER_ALREADY_TAKEN);
    spec
      .given(taken)
      .when(accept(bid('item-1', 1, BOB), BOB))
      .thenError(E.OFFER_ALREADY_TAKEN);
  });

  it('Q-3 the message goes to every agent offered', () => {
    const message = 'Printer fire, be gentle';
    spec
      .given(everyone)
      .when(enqueueHandOver('item-1', queue, message))
      .then([
        ev.handOver('item-1', queue, NOW_S, message),
        ev.broadcast('item-1', ANN, 1, NOW_S, message),
        ev.broadcast('item-1', BOB, 1, NOW_S, message),
        ev.broadcast('item-1', CID, 1, NOW_S, message),
      ]);
    // ...to agents joining the round later, and to the agent who takes it.
    const given = [...withAnnAndBob(), ev.handOver('item-1', queue, 10, message), ev.broadcast('item-1', ANN, 1, 50, message), ev.broadcast('item-1', BOB, 1, 50, message)];
    spec
      .given(given)
      .when(cmd('SetAgentAvailability', { agentId: CID, available: true }, asAgent(CID)))
      .then([ev.availability(CID, NOW_S), ev.broadcast('item-1', CID, 1, NOW_S, message)]);
    spec
      .given(given)
      .when(accept(bid('item-1', 1, ANN), ANN))
      .thenContains([{ type: 'OfferAccepted', data: expect.objectContaining({ agentId: ANN, message }) }]);
  });

  it('Q-5 a broadcast offer does not count against the one-inbound-offer rule', () => {
    // ANN answers an inbound offer and still gets the hand-over; the next inbound request goes to BOB, who holds only a broadcast.
    const given = [...withAnnAndBob(), ev.inbound('item-0', 10), ev.offered('item-0', ANN, 1, 10)];
    spec
      .given(given)
      .when(enqueueHandOver('item-1', queue))
      .then([ev.handOver('item-1', queue), ev.broadcast('item-1', ANN), ev.broadcast('item-1', BOB)]);
    spec
      .given([...given, ev.handOver('item-1', queue, 20), ev.broadcast('item-1', ANN, 1, 20), ev.broadcast('item-1', BOB, 1, 20)])
      .when(enqueueInbound('item-2'))
      .then([ev.inbound('item-2'), ev.offered('item-2', BOB)]);
  });

  it('Q-5 a decline closes only that agent offer; when every offer is declined or expired a new round goes out', () => {
    spec
      .given(broadcastToAnnAndBob)
      .when(decline(bid('item-1', 1, ANN), ANN))
      .then([ev.bDeclined('item-1', ANN)]);
    const annDeclined = [...broadcastToAnnAndBob, ev.bDeclined('item-1', ANN, 1, 55)];
    spec
      .given(annDeclined)
      .when(decline(bid('item-1', 1, BOB), BOB))
      .then([ev.bDeclined('item-1', BOB), ev.broadcast('item-1', ANN, 2), ev.broadcast('item-1', BOB, 2)]);
    spec
      .given(annDeclined)
      .when(expire(bid('item-1', 1, BOB), t(80)))
      .then([ev.bExpired('item-1', BOB, 1, 80), ev.broadcast('item-1', ANN, 2, 80), ev.broadcast('item-1', BOB, 2, 80)]);
  });

  it('Q-5 a new round skips agents who passed until all have (the round rule)', () => {
    // To the queue: ANN declined; BOB's offer was withdrawn when he went away and he is back.
    const given = [
      ...withAnnAndBob(),
      ev.handOver('item-1', queue, 10),
      ev.broadcast('item-1', ANN, 1, 50),
      ev.broadcast('item-1', BOB, 1, 50),
      ev.bWithdrawn('item-1', BOB, 'agent_away', 1, 52),
      ev.availability(BOB, 52, false),
      ev.availability(BOB, 54),
    ];
    spec
      .given(given)
      .when(decline(bid('item-1', 1, ANN), ANN))
      .then([ev.bDeclined('item-1', ANN), ev.broadcast('item-1', BOB, 2)]);
  });

  it('Q-5 expiry stays idempotent per offer', () => {
    const expiredAnn = [...broadcastToAnnAndBob, ev.bExpired('item-1', ANN, 1, 80)];
    spec
      .given(broadcastToAnnAndBob)
      .when(expire(bid('item-1', 1, ANN), t(80)))
      .then([ev.bExpired('item-1', ANN, 1, 80)]);
    spec
      .given(expiredAnn)
      .when(expire(bid('item-1', 1, ANN), t(81)))
      .then([]);
    spec
      .given(broadcastToAnnAndBob)
      .when(expire(bid('item-1', 1, ANN), t(79)))
      .then([]);
    const taken = [...broadcastToAnnAndBob, ev.acceptedHandOver('item-1', BOB, 1, 55, 10), ev.bWithdrawn('item-1', ANN, 'taken', 1, 55)];
    spec
      .given(taken)
      .when(expire(bid('item-1', 1, ANN), t(80)))
      .then([]);
  });

  it('Q-5 re-runs are safe: routing again offers nothing new, the same decision gives the same offer ids', () => {
    spec
      .given(broadcastToAnnAndBob)
      .when(cmd('RouteWaitingItems', {}, asSystem()))
      .then([]);
    spec.given(broadcastToAnnAndBob).when(enqueueHandOver('item-1', named)).thenError(E.DUPLICATE_ITEM);
    const first = spec.given(everyone).when(enqueueHandOver('item-1', queue)).events();
    expect(spec.given(everyone).when(enqueueHandOver('item-1', queue)).events()).toEqual(first);
    // An agent offered in this round, whose offer was withdrawn, is not offered the same id again.
    const awayAndBack = [...broadcastToAnnAndBob, ev.bWithdrawn('item-1', ANN, 'agent_away', 1, 52), ev.availability(ANN, 52, false), ev.availability(ANN, 54)];
    spec
      .given(awayAndBack)
      .when(cmd('RouteWaitingItems', {}, asSystem()))
      .then([]);
    const ids = stateAfter(awayAndBack);
    expect(ids.status === 'open' && [...ids.offers.values()].map((o) => o.offerId)).toEqual([bid('item-1', 1, BOB)]);
  });

  it('SES-3 an accept that fills the agent capacity withdraws their other open offers', () => {
    const twoHandOvers = [...broadcastToAnnAndBob, ev.handOver('item-2', { kind: 'agents', agentIds: [ANN] }, 20), ev.broadcast('item-2', ANN, 1, 50)];
    spec
      .given(twoHandOvers)
      .when(accept(bid('item-1', 1, ANN), ANN))
      .then([ev.acceptedHandOver('item-1', ANN, 1, NOW_S, 10), ev.bWithdrawn('item-1', BOB, 'taken'), ev.bWithdrawn('item-2', ANN, 'agent_at_capacity')]);
    spec
      .given(twoHandOvers, context({ [ANN]: { maxLoad: 2 } }))
      .when(accept(bid('item-1', 1, ANN), ANN))
      .then([ev.acceptedHandOver('item-1', ANN, 1, NOW_S, 10), ev.bWithdrawn('item-1', BOB, 'taken')]);
    // An open inbound offer of the accepter goes too, and is passed on (to CID: BOB's offer just ended, so he is idle since now).
    const withInbound = [...broadcastToAnnAndBob, ev.inbound('item-3', 20), ev.offered('item-3', ANN, 1, 50)];
    spec
      .given(withInbound)
      .when(accept(bid('item-1', 1, ANN), ANN))
      .then([
        ev.acceptedHandOver('item-1', ANN, 1, NOW_S, 10),
        ev.bWithdrawn('item-1', BOB, 'taken'),
        ev.withdrawn('item-3', ANN, 'agent_at_capacity'),
        ev.offered('item-3', CID, 2),
      ]);
  });

  it('an agent going away, or the item abandoned, withdraws every offer concerned', () => {
    const given = [...broadcastToAnnAndBob, ev.inbound('item-2', 20), ev.offered('item-2', ANN, 1, 50)];
    spec
      .given(given)
      .when(cmd('SetAgentAvailability', { agentId: ANN, available: false }, asAgent(ANN)))
      .then([ev.bWithdrawn('item-1', ANN, 'agent_away'), ev.withdrawn('item-2', ANN, 'agent_away'), ev.availability(ANN, NOW_S, false), ev.offered('item-2', BOB, 2)]);
    spec
      .given(broadcastToAnnAndBob)
      .when(cmd('AbandonItem', { itemId: 'item-1' }, asSystem()))
      .then([
        ev.bWithdrawn('item-1', ANN, 'item_abandoned'),
        ev.bWithdrawn('item-1', BOB, 'item_abandoned'),
        { type: 'ItemAbandoned', data: { itemId: 'item-1', sessionId: SESSION_ID, reason: 'max_wait', waitedMs: 50_000, by: 'system', at: iso(NOW_S) } },
      ]);
  });
});

describe('accepting (Q-5)', () => {
  const offeredToAnn = [...withAnnAndBob(), ev.inbound('item-1', 10), ev.offered('item-1', ANN, 1, 50)];

  it('Q-5 the offered agent accepts: the queue records who takes it, with the customer and the page', () => {
    spec
      .given(offeredToAnn)
      .when(accept('item-1:1', ANN))
      .then([ev.acceptedInbound('item-1', ANN, 1, NOW_S, 10)]);
    const after = stateAfter([...offeredToAnn, ev.acceptedInbound('item-1', ANN, 1, NOW_S, 10)]);
    expect(after.status === 'open' && after.waiting.size).toBe(0);
  });

  it('Q-5 a hand-over accepted carries the session and the giver message for the new controller', () => {
    const target = { kind: 'queue', queueId: QUEUE_ID } as const;
    spec
      .given([...withAnnAndBob(), ev.handOver('item-1', target, 10, 'Printer fire, be gentle'), ev.offered('item-1', ANN, 1, 50)])
      .when(accept('item-1:1', ANN))
      .thenContains([{ type: 'OfferAccepted', data: expect.objectContaining({ agentId: ANN, kind: 'hand_over', sessionId: SESSION_ID, message: 'Printer fire, be gentle' }) }]);
  });

  it('Q-5 only the offered agent may accept', () => {
    spec.given(offeredToAnn).when(accept('item-1:1', BOB)).thenError(E.NOT_OFFERED_AGENT);
    spec
      .given(offeredToAnn)
      .when(cmd('AcceptOffer', { offerId: 'item-1:1', agentId: ANN }, asAgent(BOB)))
      .thenError(E.NOT_OFFERED_AGENT);
  });

  it('Q-5 an offer past its expiresAt cannot be accepted, even before the timer ran', () => {
    spec
      .given(offeredToAnn)
      .when(accept('item-1:1', ANN, t(80)))
      .thenError(E.OFFER_EXPIRED);
  });

  it('Q-5 two accepts: the second is told the item is already taken', () => {
    const taken = [...offeredToAnn, ev.acceptedInbound('item-1', ANN, 1, 55, 10)];
    spec.given(taken).when(accept('item-1:1', ANN)).thenError(E.OFFER_ALREADY_TAKEN);
    // A stale offer of an item another agent took since.
    const stale = [...offeredToAnn, ev.expired('item-1', ANN, 1, 80), ev.offered('item-1', BOB, 2, 80), ev.acceptedInbound('item-1', BOB, 2, 85, 10)];
    spec
      .given(stale)
      .when(accept('item-1:1', ANN, t(90)))
      .thenError(E.OFFER_ALREADY_TAKEN);
  });

  it('SES-3 an accept counts toward the accepter load: the next item is not offered to them when it fills their capacity', () => {
    const onlyAnn = [ev.created(), ev.availability(ANN, 1), ev.inbound('item-1', 10), ev.offered('item-1', ANN, 1, 50), ev.inbound('item-2', 20)];
    spec
      .given(onlyAnn)
      .when(accept('item-1:1', ANN))
      .then([ev.acceptedInbound('item-1', ANN, 1, NOW_S, 10)]);
    spec
      .given(onlyAnn, context({ [ANN]: { maxLoad: 2 } }))
      .when(accept('item-1:1', ANN))
      .then([ev.acceptedInbound('item-1', ANN, 1, NOW_S, 10), ev.offered('item-2', ANN)]);
  });

  it('SES-3 an agent already at their maximum cannot accept', () => {
    spec
      .given(offeredToAnn, context({ [ANN]: { liveLoad: 1, maxLoad: 1 } }))
      .when(accept('item-1:1', ANN))
      .thenError(E.AGENT_AT_CAPACITY);
  });
});

describe('declining and expiry', () => {
  const offeredToAnn = [...withAnnAndBob(), ev.inbound('item-1', 10), ev.offered('item-1', ANN, 1, 50)];

  it('a declined item is offered to the next agent', () => {
    spec
      .given(offeredToAnn)
      .when(decline('item-1:1', ANN))
      .then([ev.declined('item-1', ANN), ev.offered('item-1', BOB, 2)]);
  });

  it('once every agent has declined, the round starts over with the agent idle longest', () => {
    const bothDeclined = [...offeredToAnn, ev.declined('item-1', ANN, 1, 55), ev.offered('item-1', BOB, 2, 55)];
    spec
      .given(bothDeclined)
      .when(decline('item-1:2', BOB))
      .then([ev.declined('item-1', BOB, 2), ev.offered('item-1', ANN, 3)]);
  });

  it('a declined item waits for a busy agent who has not passed rather than going back to the decliner', () => {
    const given = [...offeredToAnn, ev.inbound('item-0', 11), ev.offered('item-0', BOB, 1, 11)];
    spec
      .given(given)
      .when(decline('item-1:1', ANN))
      .then([ev.declined('item-1', ANN)]);
  });

  it('an expired offer is offered again to the next agent', () => {
    spec
      .given(offeredToAnn)
      .when(expire('item-1:1', t(80)))
      .then([ev.expired('item-1', ANN, 1, 80), ev.offered('item-1', BOB, 2, 80)]);
  });

  it('an agent who let an offer expire stays available, at the back of the idle order', () => {
    const after = stateAfter([...offeredToAnn, ev.expired('item-1', ANN, 1, 80), ev.offered('item-1', BOB, 2, 80)]);
    expect(after.status === 'open' && after.agents.get(ANN)).toEqual({ available: true, idleSince: iso(80) });
  });

  it('with one agent, the expired item is offered to them again', () => {
    spec
      .given([ev.created(), ev.availability(ANN, 1), ev.inbound('item-1', 10), ev.offered('item-1', ANN, 1, 50)])
      .when(expire('item-1:1', t(80)))
      .then([ev.expired('item-1', ANN, 1, 80), ev.offered('item-1', ANN, 2, 80)]);
  });

  it('expiry re-run, early, or after an answer is harmless: nothing happens', () => {
    const expired = [...offeredToAnn, ev.expired('item-1', ANN, 1, 80), ev.offered('item-1', BOB, 2, 80)];
    spec
      .given(expired)
      .when(expire('item-1:1', t(81)))
      .then([]);
    spec
      .given(offeredToAnn)
      .when(expire('item-1:1', t(79)))
      .then([]);
    spec
      .given([...offeredToAnn, ev.acceptedInbound('item-1', ANN, 1, 55, 10)])
      .when(expire('item-1:1', t(80)))
      .then([]);
    spec
      .given([...offeredToAnn, ev.declined('item-1', ANN, 1, 55)])
      .when(expire('item-1:1', t(80)))
      .then([]);
  });

  it('only the system expires offers', () => {
    spec
      .given(offeredToAnn)
      .when(cmd('ExpireOffer', { offerId: 'item-1:1' }, asAgent(ANN, t(80))))
      .thenError(E.SYSTEM_ONLY);
  });

  it('a declined or expired offer cannot be accepted afterwards', () => {
    spec
      .given([...offeredToAnn, ev.declined('item-1', ANN, 1, 55), ev.offered('item-1', BOB, 2, 55)])
      .when(accept('item-1:1', ANN))
      .thenError(E.OFFER_NOT_OPEN);
    spec
      .given([...offeredToAnn, ev.expired('item-1', ANN, 1, 80), ev.offered('item-1', BOB, 2, 80)])
      .when(accept('item-1:1', ANN, t(85)))
      .thenError(E.OFFER_EXPIRED);
    spec.given(offeredToAnn).when(accept('nope:1', ANN)).thenError(E.OFFER_NOT_FOUND);
  });
});

describe('leaving and abandoning', () => {
  const offeredToAnn = [...withAnnAndBob(), ev.inbound('item-1', 10), ev.offered('item-1', ANN, 1, 50)];
  const left = { type: 'ItemLeft', data: { itemId: 'item-1', sessionId: null, waitedMs: 50_000, by: CUSTOMER, at: iso(NOW_S) } } as const;

  it('the customer leaves: the open offer is withdrawn and the item is gone', () => {
    spec
      .given(offeredToAnn)
      .when(cmd('LeaveQueue', { itemId: 'item-1' }, asCustomer()))
      .then([ev.withdrawn('item-1', ANN, 'item_left'), left]);
  });

  it('the agent freed by a withdrawn offer is offered the next item', () => {
    spec
      .given([...offeredToAnn, ev.inbound('item-2', 20), ev.offered('item-2', BOB, 1, 20), ev.inbound('item-3', 30)])
      .when(cmd('LeaveQueue', { itemId: 'item-1' }, asCustomer()))
      .then([ev.withdrawn('item-1', ANN, 'item_left'), left, ev.offered('item-3', ANN)]);
  });

  it('only the waiting customer (or the system) takes an item out', () => {
    spec
      .given(offeredToAnn)
      .when(cmd('LeaveQueue', { itemId: 'item-1' }, asCustomer('cust-other')))
      .thenError(E.NOT_ITEM_CUSTOMER);
    spec
      .given(offeredToAnn)
      .when(cmd('LeaveQueue', { itemId: 'item-9' }, asCustomer()))
      .thenError(E.ITEM_NOT_FOUND);
  });

  it('the system abandons an item after the maximum wait; a re-run is harmless', () => {
    spec
      .given(offeredToAnn)
      .when(cmd('AbandonItem', { itemId: 'item-1' }, asSystem()))
      .then([
        ev.withdrawn('item-1', ANN, 'item_abandoned'),
        { type: 'ItemAbandoned', data: { itemId: 'item-1', sessionId: null, reason: 'max_wait', waitedMs: 50_000, by: 'system', at: iso(NOW_S) } },
      ]);
    spec
      .given([...offeredToAnn, ev.acceptedInbound('item-1', ANN, 1, 55, 10)])
      .when(cmd('AbandonItem', { itemId: 'item-1' }, asSystem()))
      .then([]);
    spec
      .given(offeredToAnn)
      .when(cmd('AbandonItem', { itemId: 'item-1' }, asCustomer()))
      .thenError(E.SYSTEM_ONLY);
  });

  it('an agent going away has their open offer withdrawn and passed on', () => {
    spec
      .given(offeredToAnn)
      .when(cmd('SetAgentAvailability', { agentId: ANN, available: false }, asAgent(ANN)))
      .then([ev.withdrawn('item-1', ANN, 'agent_away'), ev.availability(ANN, NOW_S, false), ev.offered('item-1', BOB, 2)]);
  });
});
