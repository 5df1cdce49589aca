import * as E from './queue.errors.js';
import type { QueueEvent } from './queue.events.js';
import { planOffers } from './routing.js';
import {
  ADMIN,
  ANN,
  asAdmin,
  asSystem,
  BOB,
  CID,
  cmd,
  context,
  CUSTOMER_DETAILS,
  enqueueInbound,
  ev,
  GIVER,
  iso,
  NOW_S,
  ORIGIN_URL,
  QUEUE_ID,
  SESSION_ID,
  skills,
  spec,
  specWithReasons,
  stateAfter,
  TIMEOUT_MS,
} from './testing/queue.fixtures.js';

const PRINTERS = [{ skill: 'printers', minLevel: 3 }];
const TOPICS = [
  { topic: 'printers', requiredSkills: PRINTERS },
  { topic: 'billing', requiredSkills: [{ skill: 'billing', minLevel: 1 }] },
];

/** The queue with topics; ANN (idle since 1 s), BOB (2 s) and CID (3 s) available. */
const withTopics = (): QueueEvent[] => [
  {
    type: 'QueueCreated',
    data: { queueId: QUEUE_ID, name: 'Support', agentIds: [ANN, BOB, CID], offerTimeoutMs: TIMEOUT_MS, routing: 'longest_idle', topics: TOPICS, by: ADMIN, at: iso(0) },
  },
  ev.availability(ANN, 1),
  ev.availability(BOB, 2),
  ev.availability(CID, 3),
];

/** ANN has no skills; BOB printers at 2 (too low); CID printers at 5. */
const skilled = context({ [ANN]: {}, [BOB]: { skills: skills({ printers: 2 }) }, [CID]: { skills: skills({ printers: 5, billing: 1 }) } });

const inboundAbout = (itemId: string, topic: string | undefined, s: number = NOW_S): QueueEvent => ({
  type: 'InboundRequestEnqueued',
  data: {
    itemId,
    sessionId: null,
    customer: CUSTOMER_DETAILS,
    problem: 'My printer is on fire',
    originUrl: ORIGIN_URL,
    ...(topic ? { topic, requiredSkills: TOPICS.find((t) => t.topic === topic)!.requiredSkills } : {}),
    by: CUSTOMER_DETAILS.customerId,
    at: iso(s),
  },
});

describe('skills routing (RT-1..RT-5)', () => {
  it('RT-3 a request about a topic needs its skills: it goes to the longest-idle agent holding every one at its level', () => {
    spec
      .given(withTopics(), skilled)
      .when(enqueueInbound('item-1', { topic: 'printers' }))
      .then([inboundAbout('item-1', 'printers'), ev.offered('item-1', CID)]);
  });

  it('RT-1 among the agents with the skills, the one idle longest goes first', () => {
    const both = context({ [BOB]: { skills: skills({ printers: 3 }) }, [CID]: { skills: skills({ printers: 9 }) } });
    spec
      .given(withTopics(), both)
      .when(enqueueInbound('item-1', { topic: 'printers' }))
      .then([inboundAbout('item-1', 'printers'), ev.offered('item-1', BOB)]);
  });

  it('RT-3 a request without a topic needs no skills and goes to the agent idle longest', () => {
    spec
      .given(withTopics(), skilled)
      .when(enqueueInbound('item-1'))
      .then([inboundAbout('item-1', undefined), ev.offered('item-1', ANN)]);
  });

  it('RT-4 a request nobody can serve waits without holding up the line behind it, and is offered once someone with the skills comes', () => {
    const nobody = context({ [BOB]: { skills: skills({ printers: 1 }) } });
    const waiting = [...withTopics(), inboundAbout('item-1', 'printers', 10)];
    // The next request (no skills needed) is offered at once, though it came later.
    spec
      .given(waiting, nobody)
      .when(enqueueInbound('item-2'))
      .then([inboundAbout('item-2', undefined), ev.offered('item-2', ANN)]);
    // Skills arrive (the admin's user setting): the next decision offers the old request.
    spec
      .given(waiting, context({ [CID]: { skills: skills({ printers: 3 }) } }))
      .when(cmd('RouteWaitingItems', {}, asSystem()))
      .then([ev.offered('item-1', CID)]);
  });

  it('RT-2 one open inbound offer per agent: a second request for the only skilled agent waits for them', () => {
    const given = [...withTopics(), inboundAbout('item-1', 'printers', 10), ev.offered('item-1', CID, 1, 10)];
    spec
      .given(given, skilled)
      .when(enqueueInbound('item-2', { topic: 'printers' }))
      .then([inboundAbout('item-2', 'printers')]);
  });

  it('RT-1 first in first out across skill sets: the oldest request that a free agent can take goes first', () => {
    const q = stateAfter([...withTopics(), inboundAbout('item-1', 'billing', 10), inboundAbout('item-2', undefined, 11), inboundAbout('item-3', 'printers', 12)]);
    if (q.status !== 'open') throw new Error('open queue expected');
    const plans = planOffers(q, skilled.agents).map((p) => [p.itemId, p.agentId]);
    // CID is the only one with billing, so item-1 takes CID; item-2 the longest idle (ANN); item-3 needs CID, who is taken.
    expect(plans).toEqual([
      ['item-1', CID],
      ['item-2', ANN],
    ]);
  });

  it('RT-3 a hand-over asking for skills is broadcast only to the agents who hold them', () => {
    spec
      .given(withTopics(), skilled)
      .when(cmd('EnqueueHandOver', { itemId: 'h-1', sessionId: SESSION_ID, handedBy: GIVER, target: { kind: 'queue', queueId: QUEUE_ID }, requiredSkills: PRINTERS }, asSystem()))
      .then([
        {
          type: 'HandOverEnqueued',
          data: {
            itemId: 'h-1',
            sessionId: SESSION_ID,
            handedBy: GIVER,
            message: null,
            target: { kind: 'queue', queueId: QUEUE_ID },
            requiredSkills: PRINTERS,
            by: 'system',
            at: iso(NOW_S),
          },
        },
        ev.broadcast('h-1', CID),
      ]);
  });

  it('RT-5 the offer says why this agent: longest idle among the candidates, with their levels in the skills asked for', () => {
    const events = specWithReasons
      .given(withTopics(), context({ [BOB]: { skills: skills({ printers: 3 }) }, [CID]: { skills: skills({ printers: 9 }) } }))
      .when(enqueueInbound('item-1', { topic: 'printers' }))
      .events();
    const offered = events.find((e) => e.type === 'ItemOffered');
    expect(offered?.data).toMatchObject({
      agentId: BOB,
      why: { rule: 'longest_idle', idleSince: iso(2), candidates: 2, requiredSkills: PRINTERS, agentSkills: [{ skill: 'printers', level: 3 }] },
    });
  });

  it('RT-3 an unknown topic is refused, naming the field', () => {
    const error = spec
      .given(withTopics(), skilled)
      .when(enqueueInbound('item-1', { topic: 'plumbing' }))
      .thenError(E.UNKNOWN_TOPIC);
    expect(error.field).toBe('topic');
  });

  it('RT-3 topics and skills are validated: levels 1..10, each skill once', () => {
    const create = (topics: unknown) =>
      cmd('CreateQueue', { queueId: QUEUE_ID, name: 'Support', agentIds: [ANN], offerTimeoutMs: TIMEOUT_MS, routing: 'longest_idle', topics: topics as never }, asAdmin());
    spec
      .given([])
      .when(create([{ topic: 'x', requiredSkills: [{ skill: 'a', minLevel: 11 }] }]))
      .thenError(E.INVALID_SKILLS);
    spec
      .given([])
      .when(
        create([
          {
            topic: 'x',
            requiredSkills: [
              { skill: 'a', minLevel: 1 },
              { skill: 'a', minLevel: 2 },
            ],
          },
        ]),
      )
      .thenError(E.INVALID_SKILLS);
    spec
      .given([])
      .when(
        create([
          { topic: 'x', requiredSkills: [] },
          { topic: 'x', requiredSkills: [] },
        ]),
      )
      .thenError(E.INVALID_TOPICS);
    spec
      .given([])
      .when(create(TOPICS))
      .thenContains([{ type: 'QueueCreated' }]);
  });

  it('old queue streams replay as they are: events without skills, topics or reasons fold to a queue whose items need no skills', () => {
    const legacy = [ev.created(), ev.availability(ANN, 1), ev.inbound('old-1', 5), ev.offered('old-1', ANN, 1, 5), ev.inbound('old-2', 6)];
    const q = stateAfter(legacy);
    expect(q.status === 'open' && [q.topics, q.serviceLevelThresholdMs, [...q.waiting.values()].map((i) => [i.itemId, i.seq, i.requiredSkills])]).toEqual([
      [],
      20_000,
      [
        ['old-1', 0, []],
        ['old-2', 1, []],
      ],
    ]);
  });

  it('RT-4 thousands of waiting requests only one agent can take: one offer, the rest wait; with nobody able, no offer at all', () => {
    const many: QueueEvent[] = [...withTopics()];
    for (let i = 0; i < 5000; i++) many.push(inboundAbout(`w-${i}`, 'billing', 10));
    const q = stateAfter(many);
    if (q.status !== 'open') throw new Error('open queue expected');
    // Only CID has billing: one offer (the oldest), and nobody is left for the rest.
    expect(planOffers(q, skilled.agents).map((p) => [p.itemId, p.agentId])).toEqual([['w-0', CID]]);
    const nobody = context({ [CID]: {} });
    expect(planOffers(q, nobody.agents)).toEqual([]);
  });
});
