import * as E from './session.errors.js';
import {
  AGENT,
  agentContext,
  asCsr,
  asCustomer,
  asSystem,
  AT,
  cmd,
  context,
  CSR,
  CUSTOMER,
  ev,
  HELPER,
  meta,
  spec,
  stateAfter,
  STRANGER,
  withCustomerAndHelper,
} from './testing/session.fixtures.js';

const transfer = (toUserId: string, receiverSupportsVoice = false, by = CSR) => cmd('TransferControl', { toUserId, receiverSupportsVoice }, asCsr(by));

describe('assisting CSRs', () => {
  it('AST-2 a helper has no control: the control functions are refused', () => {
    spec
      .given(withCustomerAndHelper())
      .when(cmd('RequestShare', { shareId: 'sh-1', kind: 'desktop', mode: 'view' }, asCsr(HELPER)))
      .thenError(E.NOT_CONTROLLER);
    spec
      .given(withCustomerAndHelper())
      .when(transfer(CSR, false, HELPER))
      .thenError(E.NOT_CONTROLLER);
  });

  it('AST-2 a CSR who is not in the session cannot act on it, nor learn that it exists', () => {
    spec
      .given(withCustomerAndHelper())
      .when(cmd('StartRecording', { recordingId: 'r' }, asCsr(STRANGER)))
      .thenError(E.SESSION_NOT_FOUND);
  });

  it('AST-3 the primary CSR passes control to a helper', () => {
    spec
      .given(withCustomerAndHelper())
      .when(transfer(HELPER))
      .then([ev.transferred(CSR, HELPER)]);
  });

  it('AST-3 the primary CSR hands the whole session over to a queue', () => {
    const events = spec
      .given(withCustomerAndHelper(), agentContext())
      .when(cmd('HandToQueue', { queueId: 'q-1' }))
      .events();
    expect(events.map((e) => e.type)).toEqual(['HandedToQueue', 'ParticipantLeft']);
  });
});

describe('transfer of control', () => {
  it('CTL-1 control passes to a CSR who joined as helper', () => {
    spec
      .given(withCustomerAndHelper())
      .when(transfer(HELPER))
      .then([ev.transferred(CSR, HELPER)]);
  });

  it('CTL-1 refuses to pass control to a customer', () => {
    spec.given(withCustomerAndHelper()).when(transfer(CUSTOMER)).thenError(E.TARGET_NOT_HELPER);
  });

  it('CTL-1 refuses to pass control to a CSR who is not in the session', () => {
    spec.given(withCustomerAndHelper()).when(transfer(STRANGER)).thenError(E.TARGET_NOT_HELPER);
  });

  it('CTL-1 a customer cannot transfer control', () => {
    spec
      .given(withCustomerAndHelper())
      .when(cmd('TransferControl', { toUserId: HELPER, receiverSupportsVoice: true }, asCustomer()))
      .thenError(E.NOT_CONTROLLER);
  });

  it('CTL-2 the receiver becomes primary and the giver stays as an observer', () => {
    expect(stateAfter(withCustomerAndHelper(), transfer(HELPER))).toMatchObject({
      status: 'active',
      controllerId: HELPER,
      csrs: { [CSR]: 'observer', [HELPER]: 'controller' },
    });
  });

  it('CTL-2 the observer loses the control functions but still chats', () => {
    const history = [...withCustomerAndHelper(), ev.transferred(CSR, HELPER)];
    spec
      .given(history)
      .when(cmd('StartVideo', { videoId: 'v', cameraAvailable: true }))
      .thenError(E.NOT_CONTROLLER);
    spec
      .given(history)
      .when(cmd('SendChatMessage', { messageId: 'm-1', text: 'still here' }))
      .then([ev.chatSent('m-1', 'still here')]);
  });

  it('CTL-3 the new controller gives control back at any time', () => {
    const history = [...withCustomerAndHelper(), ev.transferred(CSR, HELPER)];
    spec
      .given(history)
      .when(transfer(CSR, false, HELPER))
      .then([{ type: 'ControlTransferred', data: { from: HELPER, to: CSR, by: HELPER, at: AT } }]);
    expect(stateAfter(history, transfer(CSR, false, HELPER))).toMatchObject({ controllerId: CSR, csrs: { [CSR]: 'controller', [HELPER]: 'observer' } });
  });

  it('CTL-4 ends every support activity when control moves: sharing, file transfer, chat, video and recording', () => {
    const history = [
      ...withCustomerAndHelper(),
      ev.shareRequested('sh-1', 'desktop', 'control'),
      ev.shareApproved('sh-1'),
      ev.shareRequested('sh-2', 'application', 'view'),
      ev.transferRequested('ft-1'),
      ev.chatSent('m-1'),
      ev.videoStarted(),
      ev.recordingStarted('rec-1'),
    ];
    spec
      .given(history)
      .when(transfer(HELPER, true))
      .then([
        ev.shareEnded('sh-1', 'control_transferred'),
        ev.shareEnded('sh-2', 'control_transferred'),
        ev.transferEnded('ft-1', 'control_transferred'),
        ev.chatClosed('control_transferred'),
        ev.videoEnded('control_transferred'),
        ev.recordingStopped('control_transferred'),
        ev.transferred(CSR, HELPER),
      ]);
    expect(stateAfter(history, transfer(HELPER, true))).toMatchObject({
      activities: { shares: [], fileTransfers: [], chatOpen: false, video: null, recording: null },
    });
  });

  it('CTL-4 an automatic recording goes on through a transfer (REC-2 records the whole session)', () => {
    spec
      .given([ev.started({ settings: { autoRecord: true } }), ev.recordingStarted('rec-auto', true, 'system'), ev.helperJoined()])
      .when(transfer(HELPER))
      .then([ev.transferred(CSR, HELPER)]);
  });

  it('CTL-5 a voice call goes on when the receiver s system supports voice, and follows control', () => {
    const history = [...withCustomerAndHelper(), ev.voiceStarted()];
    spec
      .given(history)
      .when(transfer(HELPER, true))
      .then([ev.transferred(CSR, HELPER)]);
    expect(stateAfter(history, transfer(HELPER, true))).toMatchObject({ activities: { voiceCall: { callId: 'call-1', hostId: HELPER } } });
  });

  it('CTL-5 a voice call ends when the receiver s system does not support voice', () => {
    spec
      .given([...withCustomerAndHelper(), ev.voiceStarted()])
      .when(transfer(HELPER, false))
      .then([ev.voiceEnded('control_transferred'), ev.transferred(CSR, HELPER)]);
  });

  it('CTL-6 the giver may leave the session', () => {
    spec
      .given([...withCustomerAndHelper(), ev.transferred(CSR, HELPER)])
      .when(cmd('LeaveSession', {}, asCsr(CSR)))
      .then([ev.left(CSR, 'observer')]);
  });

  it('CTL-6 the giver may not end the session while control is away', () => {
    spec
      .given([...withCustomerAndHelper(), ev.transferred(CSR, HELPER)])
      .when(cmd('EndSession', { reason: 'ended_by_csr' }))
      .thenError(E.NOT_CONTROLLER);
  });

  it('CTL-6 the giver may end the session once control is back', () => {
    spec
      .given([...withCustomerAndHelper(), ev.transferred(CSR, HELPER), { type: 'ControlTransferred', data: { from: HELPER, to: CSR, by: HELPER, at: AT } }])
      .when(cmd('EndSession', { reason: 'ended_by_csr' }))
      .then([ev.ended()]);
  });

  it('CTL-6 a helper who leaves also leaves a call they were on', () => {
    spec
      .given([...withCustomerAndHelper(), ev.voiceStarted(HELPER)])
      .when(cmd('LeaveSession', {}, asCsr(HELPER)))
      .then([ev.voiceEnded('participant_left', 'call-1', HELPER), ev.left(HELPER, 'helper')]);
  });
});

describe('handing over to a WebACD queue or agents', () => {
  const agentSession = () => [ev.started({ by: AGENT }), ev.customerJoined(), ev.helperJoined()];
  const handOver = (data: { queueId?: string; agentIds?: readonly string[]; message?: string }, by = AGENT) => cmd('HandToQueue', data, asCsr(by));

  it('Q-1 only a WebACD agent may hand a session over', () => {
    spec
      .given(agentSession(), context({ webacdEnabled: true, webacdAgent: false }))
      .when(handOver({ queueId: 'q-1' }))
      .thenError(E.NOT_WEBACD_AGENT);
  });

  it('Q-1 hand-over needs WebACD on for the site', () => {
    spec
      .given(agentSession(), context({ webacdEnabled: false, webacdAgent: true }))
      .when(handOver({ queueId: 'q-1' }))
      .thenError(E.WEBACD_DISABLED);
  });

  it('Q-1 a helper, even a WebACD agent, cannot hand the session over', () => {
    spec
      .given(agentSession(), agentContext())
      .when(handOver({ queueId: 'q-1' }, HELPER))
      .thenError(E.NOT_CONTROLLER);
  });

  it('Q-2 hands over to exactly one queue', () => {
    spec
      .given(agentSession(), agentContext())
      .when(handOver({ queueId: 'q-1' }))
      .then([ev.handedToQueue({ kind: 'queue', queueId: 'q-1' }), ev.left(AGENT, 'controller', 'handed_over')]);
  });

  it('Q-2 hands over to one or more agents', () => {
    spec
      .given(agentSession(), agentContext())
      .when(handOver({ agentIds: ['agent-x', 'agent-y'] }))
      .then([ev.handedToQueue({ kind: 'agents', agentIds: ['agent-x', 'agent-y'] }), ev.left(AGENT, 'controller', 'handed_over')]);
  });

  it('Q-2 refuses a queue and agents together', () => {
    spec
      .given(agentSession(), agentContext())
      .when(handOver({ queueId: 'q-1', agentIds: ['agent-x'] }))
      .thenError(E.INVALID_HANDOVER_TARGET);
  });

  it('Q-2 refuses a hand-over with no target', () => {
    spec
      .given(agentSession(), agentContext())
      .when(handOver({ agentIds: [] }))
      .thenError(E.INVALID_HANDOVER_TARGET);
  });

  it('Q-3 a personal message of 345 characters goes with the hand-over', () => {
    const message = 'm'.repeat(345);
    spec
      .given(agentSession(), agentContext())
      .when(handOver({ queueId: 'q-1', message }))
      .then([ev.handedToQueue({ kind: 'queue', queueId: 'q-1' }, message), ev.left(AGENT, 'controller', 'handed_over')]);
  });

  // A person counts a family emoji, a flag, or a letter typed with a combining accent as one character.
  const PERCEIVED: readonly [string, string][] = [
    ['family emoji', '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}'],
    ['flags', '\u{1F1EB}\u{1F1F7}'],
    ['letters with a combining mark', 'e\u0301'],
  ];
  it.each(PERCEIVED)('Q-3 345 %s are 345 characters: accepted; 346 are refused', (_name, character) => {
    const message = character.repeat(345);
    spec
      .given(agentSession(), agentContext())
      .when(handOver({ queueId: 'q-1', message }))
      .then([ev.handedToQueue({ kind: 'queue', queueId: 'q-1' }, message), ev.left(AGENT, 'controller', 'handed_over')]);
    spec
      .given(agentSession(), agentContext())
      .when(handOver({ queueId: 'q-1', message: message + character }))
      .thenError(E.HANDOVER_MESSAGE_TOO_LONG);
  });

  it('Q-3 refuses a personal message of 346 characters', () => {
    const error = spec
      .given(agentSession(), agentContext())
      .when(handOver({ queueId: 'q-1', message: 'm'.repeat(346) }))
      .thenError(E.HANDOVER_MESSAGE_TOO_LONG);
    expect(error.field).toBe('message');
  });

  it('Q-4 the giver s part ends: activities and the voice call end, and they leave, in the same decision', () => {
    const history = [...agentSession(), ev.shareRequested('sh-1', 'desktop', 'view', CUSTOMER, null, AGENT), ev.voiceStarted(CUSTOMER, 'call-1', AGENT)];
    spec
      .given(history, agentContext())
      .when(handOver({ queueId: 'q-1' }))
      .then([
        ev.shareEnded('sh-1', 'handed_over', AGENT),
        ev.voiceEnded('handed_over', 'call-1', AGENT),
        ev.handedToQueue({ kind: 'queue', queueId: 'q-1' }),
        ev.left(AGENT, 'controller', 'handed_over'),
      ]);
    const state = stateAfter(history, handOver({ queueId: 'q-1' }), agentContext());
    expect(state).toMatchObject({ status: 'queued', csrs: { [HELPER]: 'helper' }, activities: { shares: [], voiceCall: null } });
    expect(state.status === 'queued' && state.csrs[AGENT]).toBe(undefined);
  });

  it('Q-4 a queued session takes no control commands until an agent accepts it', () => {
    const queued = [...agentSession(), ev.handedToQueue({ kind: 'queue', queueId: 'q-1' }), ev.left(AGENT, 'controller', 'handed_over')];
    spec
      .given(queued)
      .when(cmd('SendChatMessage', { messageId: 'm', text: 'anyone?' }, asCustomer()))
      .thenError(E.SESSION_QUEUED);
  });

  const queuedTo = (target: Parameters<typeof ev.handedToQueue>[0], message: string | null = 'customer needs billing') => [
    ...agentSession(),
    ev.handedToQueue(target, message),
    ev.left(AGENT, 'controller', 'handed_over'),
  ];
  const accept = (agentId: string) => cmd('AcceptHandOver', {}, meta(agentId, ['csr']));

  it('Q-5 an agent of the queue accepts: the session is active again, they control it, the message is delivered', () => {
    const history = queuedTo({ kind: 'queue', queueId: 'q-1' });
    spec
      .given(history, agentContext())
      .when(accept('agent-x'))
      .then([
        {
          type: 'HandOverAccepted',
          data: { agentId: 'agent-x', handedBy: AGENT, message: 'customer needs billing', target: { kind: 'queue', queueId: 'q-1' }, by: 'agent-x', at: AT },
        },
      ]);
    expect(stateAfter(history, accept('agent-x'), agentContext())).toMatchObject({
      status: 'active',
      controllerId: 'agent-x',
      csrs: { 'agent-x': 'controller', [HELPER]: 'helper' },
    });
  });

  it('Q-5 only one of the named agents may accept', () => {
    spec
      .given(queuedTo({ kind: 'agents', agentIds: ['agent-x'] }), agentContext())
      .when(accept('agent-y'))
      .thenError(E.HANDOVER_NOT_OFFERED);
  });

  it('Q-5 a CSR who is not a WebACD agent cannot accept', () => {
    spec
      .given(queuedTo({ kind: 'queue', queueId: 'q-1' }), context({ webacdEnabled: true }))
      .when(accept('agent-x'))
      .thenError(E.NOT_WEBACD_AGENT);
  });

  it('Q-5 accepting a session that is not queued is refused', () => {
    spec.given(agentSession(), agentContext()).when(accept(AGENT)).thenError(E.SESSION_NOT_QUEUED);
    // Someone who never took part learns nothing of it.
    spec.given(agentSession(), agentContext()).when(accept('agent-x')).thenError(E.SESSION_NOT_FOUND);
  });

  it('Q-5 once accepted, the session cannot be accepted a second time', () => {
    const accepted = {
      type: 'HandOverAccepted',
      data: { agentId: 'agent-x', handedBy: AGENT, message: null, target: { kind: 'queue', queueId: 'q-1' }, by: 'agent-x', at: AT },
    } as const;
    const history = [...queuedTo({ kind: 'queue', queueId: 'q-1' }), accepted];
    spec.given(history, agentContext()).when(accept('agent-x')).thenError(E.SESSION_NOT_QUEUED);
    spec.given(history, agentContext()).when(accept('agent-y')).thenError(E.SESSION_NOT_FOUND);
  });

  it('Q-5 an agent already at the multi-session limit cannot accept', () => {
    spec
      .given(queuedTo({ kind: 'queue', queueId: 'q-1' }), agentContext({ sessionMode: 'multi', maxCustomers: 2 }, 2))
      .when(accept('agent-x'))
      .thenError(E.CSR_SESSION_LIMIT_REACHED);
  });

  it('Q-5 the system may end a session nobody accepted', () => {
    spec
      .given(queuedTo({ kind: 'queue', queueId: 'q-1' }))
      .when(cmd('EndSession', { reason: 'console_lost' }, asSystem()))
      .then([ev.ended('console_lost', 'system')]);
  });
});
