import { fold } from '../shared/decider.js';
import { sessionDecider } from './index.js';
import * as E from './session.errors.js';
import type { SessionCommand } from './session.commands.js';
import {
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
  JOIN_LINK,
  NUMBER,
  ORIGIN_URL,
  SESSION_ID,
  SITE_URL,
  STRANGER,
  spec,
  withCustomerAndHelper,
} from './testing/session.fixtures.js';

const start = (data: Partial<Extract<SessionCommand, { type: 'StartSession' }>['data']> = {}, metadata = asCsr()) =>
  cmd('StartSession', { sessionId: SESSION_ID, number: NUMBER, kind: 'outbound', ...data }, metadata);

describe('starting a session', () => {
  it('SES-1 a CSR starts a session as its primary CSR, with a number and a join link', () => {
    spec
      .given([])
      .when(start({ number: '123 456 789' }))
      .then([ev.started()]);
    const state = fold(sessionDecider, [ev.started()]);
    expect(state).toMatchObject({ status: 'active', controllerId: CSR, csrs: { [CSR]: 'controller' }, joinLink: JOIN_LINK });
  });

  it('SES-1 refuses a start by someone who is not a CSR', () => {
    spec.given([]).when(start({}, asCustomer())).thenError(E.NOT_A_CSR);
  });

  it('SES-1 refuses a session number that is not nine digits', () => {
    spec
      .given([])
      .when(start({ number: '12345678' }))
      .thenError(E.INVALID_SESSION_NUMBER);
  });

  it('SES-1 refuses to start the same session twice', () => {
    spec.given([ev.started()]).when(start()).thenError(E.SESSION_ALREADY_STARTED);
  });

  it('SES-2 an outbound session starts with no customer in it', () => {
    const [started, ...rest] = spec.given([]).when(start()).events();
    expect(started).toMatchObject({ type: 'SessionStarted', data: { kind: 'outbound', originUrl: null } });
    expect(rest).toEqual([]);
  });

  it('SES-2 an inbound session starts when a WebACD agent takes it, with the customer already in', () => {
    spec
      .given([], agentContext({ coBrowsingEnabled: true }))
      .when(start({ kind: 'inbound', customer: { customerId: CUSTOMER, displayName: 'Carla' }, originUrl: ORIGIN_URL }))
      .then([
        ev.started({ kind: 'inbound', originUrl: ORIGIN_URL, settings: { coBrowsingAvailable: true } }),
        { type: 'CustomerJoined', data: { customerId: CUSTOMER, displayName: 'Carla', by: CSR, at: AT } },
      ]);
  });

  it('SES-2 refuses an inbound session when WebACD is off for the site', () => {
    spec
      .given([], context({ webacdEnabled: false, webacdAgent: true }))
      .when(start({ kind: 'inbound', customer: { customerId: CUSTOMER }, originUrl: ORIGIN_URL }))
      .thenError(E.WEBACD_DISABLED);
  });

  it('SES-2 refuses an inbound session without its customer or origin page', () => {
    spec
      .given([], agentContext())
      .when(start({ kind: 'inbound', originUrl: ORIGIN_URL }))
      .thenError(E.INBOUND_DETAILS_REQUIRED);
  });

  it('SES-3 single-session mode: the session takes up to the admin maximum of customers per session', () => {
    const [started] = spec
      .given([], context({ maxCustomers: 4 }))
      .when(start())
      .events();
    expect(started).toMatchObject({ data: { mode: 'single', settings: { maxCustomers: 4 } } });
  });

  it('SES-3 single-session mode: a CSR who already runs a session cannot start another', () => {
    spec
      .given([], context({ sessionMode: 'single' }, 1))
      .when(start())
      .thenError(E.CSR_ALREADY_IN_SESSION);
  });

  it('SES-3 multi-session mode: one customer per session, concurrent sessions up to the admin maximum', () => {
    const [started] = spec
      .given([], context({ sessionMode: 'multi', maxCustomers: 3 }, 2))
      .when(start())
      .events();
    expect(started).toMatchObject({ data: { mode: 'multi', settings: { maxCustomers: 1 } } });
  });

  it('SES-3 multi-session mode: refuses a session beyond the admin maximum', () => {
    spec
      .given([], context({ sessionMode: 'multi', maxCustomers: 3 }, 3))
      .when(start())
      .thenError(E.CSR_SESSION_LIMIT_REACHED);
  });

  it('SES-4 the start command may carry invitees: invitations go out in the same decision', () => {
    spec
      .given([])
      .when(start({ invitations: [{ invitationId: 'inv-1', invitee: 'customer', channel: 'email', address: 'carla@example.com' }] }))
      .then([
        ev.started(),
        {
          type: 'InvitationSent',
          data: {
            invitationId: 'inv-1',
            invitee: 'customer',
            channel: 'email',
            address: 'carla@example.com',
            delivery: 'system',
            joinLink: JOIN_LINK,
            sessionNumber: '123 456 789',
            siteUrl: SITE_URL,
            mail: null,
            by: CSR,
            at: AT,
          },
        },
      ]);
  });

  it('SES-4 refuses the whole start when an invitee is invalid', () => {
    spec
      .given([])
      .when(start({ invitations: [{ invitationId: 'inv-1', invitee: 'customer', channel: 'email', address: 'not-an-address' }] }))
      .thenError(E.INVALID_INVITATION);
  });
});

describe('ending a session', () => {
  const endByCsr = (metadata = asCsr()) => cmd('EndSession', { reason: 'ended_by_csr' }, metadata);

  it('SES-5 the system ends the session when the CSR console is lost, ending every activity', () => {
    spec
      .given([...withCustomerAndHelper(), ev.shareRequested('sh-1'), ev.shareApproved('sh-1'), ev.videoStarted()])
      .when(cmd('EndSession', { reason: 'console_lost' }, asSystem()))
      .then([ev.shareEnded('sh-1', 'session_ended', 'system'), ev.videoEnded('session_ended', 'vid-1', 'system'), ev.ended('console_lost', 'system')]);
  });

  it('SES-5 only the system may end a session for a lost console', () => {
    spec
      .given(withCustomerAndHelper())
      .when(cmd('EndSession', { reason: 'console_lost' }, asCsr()))
      .thenError(E.SYSTEM_ONLY);
  });

  it('SES-6 the CSR holding control ends the session', () => {
    spec.given(withCustomerAndHelper()).when(endByCsr()).then([ev.ended()]);
  });

  it('SES-6 a helper cannot end the session', () => {
    spec
      .given(withCustomerAndHelper())
      .when(endByCsr(asCsr(HELPER)))
      .thenError(E.NOT_CONTROLLER);
  });

  it('SES-6 a customer cannot end the session', () => {
    spec.given(withCustomerAndHelper()).when(endByCsr(asCustomer())).thenError(E.NOT_CONTROLLER);
  });

  it('SES-6 the controlling CSR cannot leave without ending or passing control', () => {
    spec.given(withCustomerAndHelper()).when(cmd('LeaveSession', {})).thenError(E.CONTROLLER_CANNOT_LEAVE);
  });

  it('SES-6 ending stops every activity under way, automatic recording included', () => {
    spec
      .given([ev.started({ settings: { autoRecord: true } }), ev.recordingStarted('rec-auto', true, 'system'), ev.customerJoined(), ev.voiceStarted()])
      .when(endByCsr())
      .then([ev.voiceEnded('session_ended'), ev.recordingStopped('session_ended', 'rec-auto'), ev.ended()]);
  });

  const everyCommand: readonly SessionCommand[] = [
    cmd('StartSession', { sessionId: SESSION_ID, number: NUMBER, kind: 'outbound' }),
    cmd('InviteParticipants', { invitations: [{ invitationId: 'i', invitee: 'customer', channel: 'phone' }] }),
    cmd('JoinSession', { number: NUMBER, as: 'customer' }, asCustomer()),
    cmd('LeaveSession', {}, asCustomer()),
    cmd('SelectActiveCustomer', { customerId: CUSTOMER }),
    cmd('TransferControl', { toUserId: HELPER, receiverSupportsVoice: true }),
    cmd('HandToQueue', { queueId: 'q-1' }),
    cmd('AcceptHandOver', {}),
    cmd('RequestShare', { shareId: 'sh-9', kind: 'desktop', mode: 'view' }),
    cmd('ApproveShare', { shareId: 'sh-1' }, asCustomer()),
    cmd('DeclineShare', { shareId: 'sh-1' }, asCustomer()),
    cmd('EndShare', { shareId: 'sh-1' }),
    cmd('SendChatMessage', { messageId: 'm', text: 'hi' }),
    cmd('PublishFile', { fileId: 'f', fileName: 'a.txt' }),
    cmd('RequestFileTransfer', { transferId: 't' }),
    cmd('ApproveFileTransfer', { transferId: 't' }, asCustomer()),
    cmd('DeclineFileTransfer', { transferId: 't' }, asCustomer()),
    cmd('EndFileTransfer', { transferId: 't' }),
    cmd('StartVideo', { videoId: 'v', cameraAvailable: true }),
    cmd('EndVideo', {}),
    cmd('StartVoiceCall', { callId: 'c', withUserId: CUSTOMER }),
    cmd('EndVoiceCall', {}),
    cmd('SaveNote', { noteId: 'n', text: 'note' }),
    cmd('StartRecording', { recordingId: 'r' }),
    cmd('StopRecording', {}),
    cmd('ChangeDisplayMode', { mode: 'screen_sampling' }),
    cmd('EndSession', { reason: 'ended_by_csr' }),
    cmd('EndSession', { reason: 'console_lost' }, asSystem()),
  ];

  it.each(everyCommand.map((c) => [c.type === 'EndSession' ? `EndSession(${c.data.reason})` : c.type, c] as const))(
    'SES-7 an ended session refuses %s with SESSION_ENDED',
    (_type, command) => {
      spec
        .given([...withCustomerAndHelper(), ev.shareRequested('sh-1'), ev.ended()], agentContext())
        .when(command)
        .thenError(E.SESSION_ENDED);
    },
  );

  it('SES-7 to someone who never took part, an ended session is not found: no hint that the number was live', () => {
    spec
      .given([...withCustomerAndHelper(), ev.ended()])
      .when(cmd('JoinSession', { number: NUMBER, as: 'customer' }, asCustomer('cust-new')))
      .thenError(E.SESSION_NOT_FOUND);
    spec
      .given([...withCustomerAndHelper(), ev.ended()])
      .when(cmd('SaveNote', { noteId: 'n', text: 'x' }, asCsr(STRANGER)))
      .thenError(E.SESSION_NOT_FOUND);
  });

  it('SES-7 commands on a session that never started are not found', () => {
    spec
      .given([])
      .when(cmd('EndSession', { reason: 'ended_by_csr' }))
      .thenError(E.SESSION_NOT_FOUND);
  });

  it('SES-7 folding an end gives an ended state that keeps the reason', () => {
    expect(fold(sessionDecider, [...withCustomerAndHelper(), ev.ended('console_lost', 'system')])).toEqual({
      status: 'ended',
      sessionId: SESSION_ID,
      number: NUMBER,
      kind: 'outbound',
      mode: 'single',
      startedAt: AT,
      reason: 'console_lost',
      endedBy: 'system',
      endedAt: AT,
      everParticipantIds: [CSR, CUSTOMER, HELPER],
      stored: { recordings: [], files: [] },
    });
  });
});

describe('settings captured at start', () => {
  it('ADM-1 a session keeps the settings in force when it started: later auto-record does not apply to it', () => {
    spec
      .given([ev.started(), ev.customerJoined()], context({ autoRecord: true }))
      .when(cmd('StartRecording', { recordingId: 'rec-1' }))
      .then([ev.recordingStarted('rec-1')]);
  });

  it('ADM-1 a lowered customer maximum does not apply to a session started before it', () => {
    spec
      .given([ev.started({ settings: { maxCustomers: 3 } }), ev.customerJoined()], context({ maxCustomers: 1 }))
      .when(cmd('JoinSession', { number: NUMBER, as: 'customer' }, asCustomer('cust-2')))
      .then([ev.customerJoined('cust-2')]);
  });

  it('REC-2 with auto-record the session is recorded from its start, in the same decision', () => {
    spec
      .given([], context({ autoRecord: true }))
      .when(start({ recordingId: 'rec-auto' }))
      .then([ev.started({ settings: { autoRecord: true } }), ev.recordingStarted('rec-auto', true, 'system')]);
  });
});
