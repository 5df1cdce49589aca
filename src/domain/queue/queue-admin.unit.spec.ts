import type { CreateQueue } from './queue.commands.js';
import * as E from './queue.errors.js';
import { ADMIN, ANN, asAdmin, asAgent, BOB, CID, cmd, ev, iso, NOW_S, QUEUE_ID, spec, stateAfter, withAnnAndBob } from './testing/queue.fixtures.js';

const create = (over: Partial<CreateQueue['data']> = {}, metadata = asAdmin()) =>
  cmd('CreateQueue', { queueId: QUEUE_ID, name: 'Support', agentIds: [ANN, BOB], offerTimeoutMs: 30_000, routing: 'longest_idle', ...over }, metadata);

describe('queue administration', () => {
  it('an admin creates a queue; its agents start away', () => {
    const events = spec.given([]).when(create()).events();
    expect(events.map((e) => e.type)).toEqual(['QueueCreated']);
    const state = stateAfter(events);
    expect(state.status === 'open' && state.agents.get(ANN)).toEqual({ available: false, idleSince: iso(NOW_S) });
  });

  it('only an admin creates, configures or closes a queue', () => {
    spec
      .given([])
      .when(create({}, asAgent(ANN)))
      .thenError(E.NOT_AN_ADMIN);
    spec
      .given(withAnnAndBob())
      .when(cmd('ConfigureQueue', { name: 'Sales' }, asAgent(ANN)))
      .thenError(E.NOT_AN_ADMIN);
    spec
      .given(withAnnAndBob())
      .when(cmd('CloseQueue', {}, asAgent(ANN)))
      .thenError(E.NOT_AN_ADMIN);
  });

  it('the offer timeout is from 5 seconds to 10 minutes', () => {
    spec
      .given([])
      .when(create({ offerTimeoutMs: 5_000 }))
      .thenContains([{ type: 'QueueCreated' }]);
    spec
      .given([])
      .when(create({ offerTimeoutMs: 600_000 }))
      .thenContains([{ type: 'QueueCreated' }]);
    spec
      .given([])
      .when(create({ offerTimeoutMs: 4_999 }))
      .thenError(E.INVALID_OFFER_TIMEOUT);
    spec
      .given([])
      .when(create({ offerTimeoutMs: 600_001 }))
      .thenError(E.INVALID_OFFER_TIMEOUT);
  });

  it('refuses a second queue on the stream, an unknown routing and a repeated agent', () => {
    spec.given([ev.created()]).when(create()).thenError(E.QUEUE_ALREADY_EXISTS);
    spec
      .given([])
      .when(create({ routing: 'random' as never }))
      .thenError(E.INVALID_ROUTING);
    spec
      .given([])
      .when(create({ agentIds: [ANN, ANN] }))
      .thenError(E.INVALID_AGENT_LIST);
  });

  it('removing an agent withdraws their open offer and passes it on', () => {
    spec
      .given([...withAnnAndBob(), ev.inbound('item-1'), ev.offered('item-1', ANN)])
      .when(cmd('ConfigureQueue', { removeAgentIds: [ANN], addAgentIds: ['agent-dee'] }, asAdmin()))
      .then([
        ev.withdrawn('item-1', ANN, 'agent_removed'),
        { type: 'QueueConfigured', data: { agentsAdded: ['agent-dee'], agentsRemoved: [ANN], by: ADMIN, at: iso(NOW_S) } },
        ev.offered('item-1', BOB, 2),
      ]);
  });

  it('a configuration that changes nothing records nothing', () => {
    spec
      .given(withAnnAndBob())
      .when(cmd('ConfigureQueue', { name: 'Support', addAgentIds: [ANN] }, asAdmin()))
      .then([]);
  });

  it('closing abandons what waits and withdraws open offers; a closed queue takes no more work', () => {
    spec
      .given([...withAnnAndBob(), ev.inbound('item-1', 10), ev.offered('item-1', ANN, 1, 10)])
      .when(cmd('CloseQueue', {}, asAdmin()))
      .then([
        ev.withdrawn('item-1', ANN, 'queue_closed'),
        { type: 'ItemAbandoned', data: { itemId: 'item-1', sessionId: null, reason: 'queue_closed', waitedMs: 50_000, by: ADMIN, at: iso(NOW_S) } },
        { type: 'QueueClosed', data: { by: ADMIN, at: iso(NOW_S) } },
      ]);
    const closed = [ev.created(), { type: 'QueueClosed', data: { by: ADMIN, at: iso(5) } } as const];
    spec
      .given(closed)
      .when(cmd('SetAgentAvailability', { agentId: ANN, available: true }, asAgent(ANN)))
      .thenError(E.QUEUE_CLOSED);
  });
});

describe('agent availability', () => {
  it('an agent sets their own availability; an admin may set anyone’s; nobody else', () => {
    spec
      .given([ev.created()])
      .when(cmd('SetAgentAvailability', { agentId: ANN, available: true }, asAgent(ANN)))
      .then([ev.availability(ANN, NOW_S)]);
    spec
      .given([ev.created()])
      .when(cmd('SetAgentAvailability', { agentId: ANN, available: true }, asAdmin()))
      .then([{ type: 'AgentAvailabilityChanged', data: { agentId: ANN, available: true, by: ADMIN, at: iso(NOW_S) } }]);
    spec
      .given([ev.created()])
      .when(cmd('SetAgentAvailability', { agentId: ANN, available: true }, asAgent(BOB)))
      .thenError(E.NOT_YOUR_AVAILABILITY);
  });

  it('only agents of the queue have an availability in it', () => {
    spec
      .given([ev.created([ANN, BOB])])
      .when(cmd('SetAgentAvailability', { agentId: CID, available: true }, asAgent(CID)))
      .thenError(E.AGENT_NOT_IN_QUEUE);
  });

  it('setting the availability an agent already has records nothing', () => {
    spec
      .given(withAnnAndBob())
      .when(cmd('SetAgentAvailability', { agentId: ANN, available: true }, asAgent(ANN)))
      .then([]);
  });
});
