import * as E from './session.errors.js';
import type { SessionEvent, ShareKind, ShareMode } from './session.events.js';
import { mediaAudience } from './session.state.js';
import { fold } from '../shared/decider.js';
import { sessionDecider } from './index.js';
import {
  agentContext,
  asCsr,
  asCustomer,
  AT,
  cmd,
  context,
  CSR,
  CUSTOMER,
  CUSTOMER2,
  ev,
  HELPER,
  NUMBER,
  ORIGIN_URL,
  spec,
  stateAfter,
  withCustomerAndHelper,
} from './testing/session.fixtures.js';

const twoCustomers = (): SessionEvent[] => [...withCustomerAndHelper(), ev.customerJoined(CUSTOMER2)];
const select = (customerId: string, metadata = asCsr()) => cmd('SelectActiveCustomer', { customerId }, metadata);
const request = (shareId: string, kind: ShareKind, mode: ShareMode) => cmd('RequestShare', { shareId, kind, mode });

describe('several customers', () => {
  it('MC-1 single-session mode lists every customer among the participants', () => {
    expect(fold(sessionDecider, twoCustomers())).toMatchObject({
      mode: 'single',
      customers: [{ customerId: CUSTOMER }, { customerId: CUSTOMER2 }],
    });
  });

  it('MC-1 the CSR assists one customer by selecting them', () => {
    spec
      .given(twoCustomers())
      .when(select(CUSTOMER2))
      .then([ev.selected(CUSTOMER2, CUSTOMER)]);
    expect(stateAfter(twoCustomers(), select(CUSTOMER2))).toMatchObject({ activeCustomerId: CUSTOMER2 });
  });

  it('MC-1 selecting the customer already assisted writes nothing', () => {
    spec.given(twoCustomers()).when(select(CUSTOMER)).then([]);
  });

  it('MC-1 refuses to select someone who is not a customer of the session', () => {
    spec.given(twoCustomers()).when(select(HELPER)).thenError(E.CUSTOMER_NOT_IN_SESSION);
  });

  it('MC-1 only the CSR holding control selects the customer', () => {
    spec
      .given(twoCustomers())
      .when(select(CUSTOMER2, asCsr(HELPER)))
      .thenError(E.NOT_CONTROLLER);
  });

  it('MC-1 a customer who leaves is no longer listed, and what was shared with them ends', () => {
    const history = [...twoCustomers(), ev.shareRequested('sh-1'), ev.transferRequested('ft-1')];
    const leave = cmd('LeaveSession', {}, asCustomer());
    spec
      .given(history)
      .when(leave)
      .then([ev.shareEnded('sh-1', 'participant_left', CUSTOMER), ev.transferEnded('ft-1', 'participant_left', CUSTOMER), ev.left(CUSTOMER, 'customer')]);
    expect(stateAfter(history, leave)).toMatchObject({
      customers: [{ customerId: CUSTOMER2 }],
      activeCustomerId: null,
      activities: { shares: [], fileTransfers: [] },
    });
  });

  it('MC-2 what is shared, once approved, every participant of the session can see', () => {
    const history = [...twoCustomers(), ev.shareRequested('sh-1', 'desktop', 'share_view'), ev.shareApproved('sh-1')];
    expect([...mediaAudience(fold(sessionDecider, history), 'sh-1')].sort()).toEqual([CSR, HELPER, CUSTOMER, CUSTOMER2].sort());
  });

  it('MC-2 an observer who passed control still sees the sharing', () => {
    const history = [...twoCustomers(), ev.transferred(CSR, HELPER), ev.shareRequested('sh-2', 'desktop', 'view', CUSTOMER, null, HELPER), ev.shareApproved('sh-2')];
    expect(mediaAudience(fold(sessionDecider, history), 'sh-2')).toContain(CSR);
  });

  it('MC-3 switching to another customer ends every sharing activity under way', () => {
    const history = [...twoCustomers(), ev.shareRequested('sh-1', 'desktop', 'view'), ev.shareApproved('sh-1'), ev.shareRequested('sh-2', 'application', 'share_view')];
    spec
      .given(history)
      .when(select(CUSTOMER2))
      .then([ev.shareEnded('sh-1', 'customer_switched'), ev.shareEnded('sh-2', 'customer_switched'), ev.selected(CUSTOMER2, CUSTOMER)]);
    expect(stateAfter(history, select(CUSTOMER2))).toMatchObject({ activities: { shares: [] }, activeCustomerId: CUSTOMER2 });
  });

  it('MC-3 new shares go to the customer now selected', () => {
    spec
      .given([...twoCustomers(), ev.selected(CUSTOMER2, CUSTOMER)])
      .when(request('sh-3', 'desktop', 'view'))
      .then([ev.shareRequested('sh-3', 'desktop', 'view', CUSTOMER2)]);
  });

  const multi = () => [ev.started({ mode: 'multi', settings: { maxCustomers: 1 } }), ev.customerJoined()];

  it('MC-4 multi-session mode keeps each customer in a session of their own: a second customer is refused', () => {
    spec
      .given(multi())
      .when(cmd('JoinSession', { number: NUMBER, as: 'customer' }, asCustomer(CUSTOMER2)))
      .thenError(E.CUSTOMER_LIMIT_REACHED);
  });

  it('MC-4 multi-session mode: the CSR opens another session tab for the next customer', () => {
    const [started] = spec
      .given([], context({ sessionMode: 'multi', maxCustomers: 4 }, 1))
      .when(cmd('StartSession', { sessionId: 'ses-2', number: '222 333 444', kind: 'outbound' }))
      .events();
    expect(started).toMatchObject({ type: 'SessionStarted', data: { sessionId: 'ses-2', mode: 'multi' } });
  });

  it('MC-4 multi-session mode has no customer to switch to inside a session', () => {
    spec.given(multi()).when(select(CUSTOMER)).thenError(E.NOT_SINGLE_SESSION_MODE);
  });
});

describe('sharing', () => {
  it.each(['view', 'control', 'share_view', 'share_control'] as const)('SHR-1 the controlling CSR requests desktop %s from the active customer', (mode) => {
    spec
      .given(withCustomerAndHelper())
      .when(request('sh-1', 'desktop', mode))
      .then([ev.shareRequested('sh-1', 'desktop', mode)]);
  });

  it('SHR-1 the customer approves the request', () => {
    spec
      .given([...withCustomerAndHelper(), ev.shareRequested('sh-1')])
      .when(cmd('ApproveShare', { shareId: 'sh-1' }, asCustomer()))
      .then([ev.shareApproved('sh-1')]);
  });

  it('SHR-1 the customer declines the request', () => {
    spec
      .given([...withCustomerAndHelper(), ev.shareRequested('sh-1')])
      .when(cmd('DeclineShare', { shareId: 'sh-1' }, asCustomer()))
      .then([ev.shareDeclined('sh-1')]);
  });

  it('SHR-1 nobody but the customer asked may approve', () => {
    const history = [...twoCustomers(), ev.shareRequested('sh-1')];
    spec
      .given(history)
      .when(cmd('ApproveShare', { shareId: 'sh-1' }, asCustomer(CUSTOMER2)))
      .thenError(E.NOT_REQUEST_TARGET);
    spec
      .given(history)
      .when(cmd('ApproveShare', { shareId: 'sh-1' }, asCsr()))
      .thenError(E.NOT_REQUEST_TARGET);
  });

  it('SHR-1 an approved request cannot be answered again', () => {
    spec
      .given([...withCustomerAndHelper(), ev.shareRequested('sh-1'), ev.shareApproved('sh-1')])
      .when(cmd('DeclineShare', { shareId: 'sh-1' }, asCustomer()))
      .thenError(E.SHARE_NOT_PENDING);
  });

  it('SHR-1 a helper cannot request a share', () => {
    spec
      .given(withCustomerAndHelper())
      .when(cmd('RequestShare', { shareId: 'sh-1', kind: 'desktop', mode: 'view' }, asCsr(HELPER)))
      .thenError(E.NOT_CONTROLLER);
  });

  it('SHR-1 a share needs a customer to share with', () => {
    spec
      .given([ev.started()])
      .when(request('sh-1', 'desktop', 'view'))
      .thenError(E.NO_ACTIVE_CUSTOMER);
  });

  it('SHR-1 one share of a kind at a time', () => {
    spec
      .given([...withCustomerAndHelper(), ev.shareRequested('sh-1')])
      .when(request('sh-2', 'desktop', 'control'))
      .thenError(E.SHARE_ALREADY_RUNNING);
  });

  it('SHR-1 refuses a share mode that does not exist', () => {
    spec
      .given(withCustomerAndHelper())
      .when(request('sh-1', 'desktop', 'peek' as ShareMode))
      .thenError(E.INVALID_SHARE_MODE);
  });

  it('SHR-2 application sharing offers the same four modes', () => {
    spec
      .given(withCustomerAndHelper())
      .when(request('sh-1', 'application', 'share_control'))
      .then([ev.shareRequested('sh-1', 'application', 'share_control')]);
  });

  it('SHR-2 approving an application share, the customer chooses the application shown', () => {
    spec
      .given([...withCustomerAndHelper(), ev.shareRequested('sh-1', 'application', 'view')])
      .when(cmd('ApproveShare', { shareId: 'sh-1', applicationName: 'Spreadsheet' }, asCustomer()))
      .then([ev.shareApproved('sh-1', CUSTOMER, 'Spreadsheet')]);
  });

  it('SHR-2 refuses to approve an application share without choosing the application', () => {
    spec
      .given([...withCustomerAndHelper(), ev.shareRequested('sh-1', 'application', 'view')])
      .when(cmd('ApproveShare', { shareId: 'sh-1' }, asCustomer()))
      .thenError(E.APPLICATION_REQUIRED);
  });

  const inbound = () => [ev.inboundStarted(), ev.customerJoined()];

  it('SHR-3 co-browsing starts on the page the customer asked for the session from', () => {
    spec
      .given(inbound(), agentContext())
      .when(request('cb-1', 'cobrowse', 'control'))
      .then([ev.shareRequested('cb-1', 'cobrowse', 'control', CUSTOMER, ORIGIN_URL)]);
  });

  it('SHR-3 co-browsing can be started again after it ends', () => {
    spec
      .given([...inbound(), ev.shareRequested('cb-1', 'cobrowse', 'view', CUSTOMER, ORIGIN_URL), ev.shareEnded('cb-1', 'stopped')])
      .when(request('cb-2', 'cobrowse', 'view'))
      .then([ev.shareRequested('cb-2', 'cobrowse', 'view', CUSTOMER, ORIGIN_URL)]);
  });

  it('SHR-3 co-browsing cannot start twice at once', () => {
    spec
      .given([...inbound(), ev.shareRequested('cb-1', 'cobrowse', 'view', CUSTOMER, ORIGIN_URL)])
      .when(request('cb-2', 'cobrowse', 'view'))
      .thenError(E.SHARE_ALREADY_RUNNING);
  });

  it('SHR-3 co-browsing needs WebACD and co-browsing on when the session started', () => {
    spec
      .given([ev.inboundStarted({ coBrowsingAvailable: false }), ev.customerJoined()])
      .when(request('cb-1', 'cobrowse', 'view'))
      .thenError(E.COBROWSING_UNAVAILABLE);
  });

  it('SHR-3 a session started with WebACD off has no co-browsing', () => {
    const [started] = spec
      .given([], context({ webacdEnabled: false, coBrowsingEnabled: true }))
      .when(cmd('StartSession', { sessionId: 's', number: NUMBER, kind: 'outbound' }))
      .events();
    expect(started).toMatchObject({ data: { settings: { coBrowsingAvailable: false } } });
  });

  it('SHR-3 co-browsing offers view and control only', () => {
    spec
      .given(inbound())
      .when(request('cb-1', 'cobrowse', 'share_view'))
      .thenError(E.INVALID_SHARE_MODE);
  });

  it('SHR-3 an outbound session has no page to co-browse from', () => {
    spec
      .given([ev.started({ settings: { coBrowsingAvailable: true } }), ev.customerJoined()])
      .when(request('cb-1', 'cobrowse', 'view'))
      .thenError(E.COBROWSING_NEEDS_ORIGIN);
  });

  it('SHR-4 nothing is shown before approval', () => {
    expect(mediaAudience(fold(sessionDecider, [...withCustomerAndHelper(), ev.shareRequested('sh-1')]), 'sh-1')).toEqual([]);
  });

  it('SHR-4 a declined request carries no media', () => {
    expect(mediaAudience(fold(sessionDecider, [...withCustomerAndHelper(), ev.shareRequested('sh-1'), ev.shareDeclined('sh-1')]), 'sh-1')).toEqual([]);
  });

  it('SHR-4 an ended share carries no media', () => {
    const history = [...withCustomerAndHelper(), ev.shareRequested('sh-1'), ev.shareApproved('sh-1')];
    const state = stateAfter(history, cmd('EndShare', { shareId: 'sh-1' }, asCustomer()));
    expect(mediaAudience(state, 'sh-1')).toEqual([]);
  });

  it('SHR-4 either side stops a share; others in the session cannot', () => {
    const history = [...twoCustomers(), ev.shareRequested('sh-1'), ev.shareApproved('sh-1')];
    spec
      .given(history)
      .when(cmd('EndShare', { shareId: 'sh-1' }))
      .then([ev.shareEnded('sh-1', 'stopped')]);
    spec
      .given(history)
      .when(cmd('EndShare', { shareId: 'sh-1' }, asCustomer(CUSTOMER2)))
      .thenError(E.NOT_CONTROLLER);
  });

  it('SHR-4 a share id is never reused, even after the share ended', () => {
    spec
      .given([...withCustomerAndHelper(), ev.shareRequested('sh-1'), ev.shareDeclined('sh-1')])
      .when(request('sh-1', 'desktop', 'view'))
      .thenError(E.DUPLICATE_ID);
  });
});

describe('session options', () => {
  it('OPT-1 the controlling CSR switches shared applications to screen sampling', () => {
    spec
      .given(withCustomerAndHelper())
      .when(cmd('ChangeDisplayMode', { mode: 'screen_sampling' }))
      .then([{ type: 'DisplayModeChanged', data: { mode: 'screen_sampling', by: CSR, at: AT } }]);
    expect(stateAfter(withCustomerAndHelper(), cmd('ChangeDisplayMode', { mode: 'screen_sampling' }))).toMatchObject({ displayMode: 'screen_sampling' });
  });

  it('OPT-1 a session starts in standard mode; choosing it again writes nothing', () => {
    spec
      .given(withCustomerAndHelper())
      .when(cmd('ChangeDisplayMode', { mode: 'standard' }))
      .then([]);
  });

  it('OPT-1 refuses an unknown display mode', () => {
    spec
      .given(withCustomerAndHelper())
      .when(cmd('ChangeDisplayMode', { mode: 'turbo' as 'standard' }))
      .thenError(E.INVALID_DISPLAY_MODE);
  });

  it('OPT-1 a helper cannot change the display mode', () => {
    spec
      .given(withCustomerAndHelper())
      .when(cmd('ChangeDisplayMode', { mode: 'screen_sampling' }, asCsr(HELPER)))
      .thenError(E.NOT_CONTROLLER);
  });
});
