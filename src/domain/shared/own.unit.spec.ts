import { fold } from './decider.js';
import { own } from './own.js';
import { placeOf, sessionDecider, type LiveSession } from '../session/index.js';
import { withCustomerAndHelper } from '../session/testing/session.fixtures.js';
import { DEFAULT_USER_SETTINGS, initialSettingsState, userSettings } from '../settings/index.js';
import * as QE from '../queue/queue.errors.js';
import { queueDecider } from '../queue/index.js';
import { asAgent, cmd, context, spec, stateAfter, withAnnAndBob } from '../queue/testing/queue.fixtures.js';

/** Ids an identity provider may let people choose, which name Object.prototype's members. */
const TRICKY = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

describe('lookups by user-controlled strings cannot be fooled', () => {
  it.each(TRICKY)('own(%s) finds only own keys', (key) => {
    expect(own({}, key)).toBeUndefined();
    expect(own({ [key]: 1 }, key)).toBe(1);
  });

  it.each(TRICKY)('AST-2 a user called %s takes no part in a session they never joined', (id) => {
    const session = fold(sessionDecider, withCustomerAndHelper()) as LiveSession;
    expect(placeOf(session, id)).toBeNull();
  });

  it.each(TRICKY)('ADM-1 a user called %s has the default settings until the admin sets theirs', (id) => {
    expect(userSettings(initialSettingsState(), id)).toEqual(DEFAULT_USER_SETTINGS);
  });

  it.each(TRICKY)('Q-1 a CSR called %s is no agent of a queue they are not in; added, they are an own key', (id) => {
    const queue = stateAfter(withAnnAndBob());
    let refused: unknown;
    try {
      queueDecider.decide(cmd('SetAgentAvailability', { agentId: id, available: true }, asAgent(id)), queue, context());
    } catch (error) {
      refused = error;
    }
    expect([QE.NOT_WEBACD_AGENT, QE.AGENT_NOT_IN_QUEUE]).toContain((refused as { code?: string }).code);
    const events = spec
      .given(withAnnAndBob())
      .when(cmd('ConfigureQueue', { addAgentIds: [id] }, { userId: 'adm', roles: ['admin'], now: new Date('2025-03-01T09:01:00.000Z') }))
      .events();
    const state = stateAfter([...withAnnAndBob(), ...events]);
    if (state.status !== 'open') throw new Error('queue closed');
    // The queue's agents are a Map keyed by id: nothing inherited answers for an id.
    expect(state.agents.has(id)).toBe(true);
    expect(state.agentIds.at(-1)).toBe(id);
    expect(state.agents.get(id)).toEqual({ available: false, idleSince: '2025-03-01T09:01:00.000Z' });
  });
});
