import { fold } from '../../domain/shared/decider.js';
import { sessionDecider, type SessionEvent } from '../../domain/session/index.js';
import { asCsr, cmd, CSR, CUSTOMER, CUSTOMER2, ev, HELPER, stateAfter, STRANGER, withCustomerAndHelper } from '../../domain/session/testing/session.fixtures.js';
import { mediaToClose, relayTargets } from './signalling.policy.js';

const approved = (): SessionEvent[] => [...withCustomerAndHelper(), ev.shareRequested('sh-1'), ev.shareApproved('sh-1')];

describe('signalling policy', () => {
  it('SHR-4 a share carries media only once approved, only between its customer and the controller', () => {
    const requested = fold(sessionDecider, [...withCustomerAndHelper(), ev.shareRequested('sh-1')]);
    expect(relayTargets(requested, CSR, CUSTOMER, 'desktop', 'sh-1')).toMatchObject({ ok: false, code: 'SHARE_NOT_APPROVED' });
    const state = fold(sessionDecider, approved());
    expect(relayTargets(state, CSR, CUSTOMER, 'desktop', 'sh-1')).toEqual({ ok: true, to: [CUSTOMER] });
    expect(relayTargets(state, CUSTOMER, '*', 'desktop', 'sh-1')).toEqual({ ok: true, to: [CSR] });
    expect(relayTargets(state, HELPER, CUSTOMER, 'desktop', 'sh-1')).toMatchObject({ ok: false, code: 'SHARE_NOT_APPROVED' });
    expect(relayTargets(state, CSR, CUSTOMER, 'application', 'sh-1')).toMatchObject({ ok: false, code: 'SHARE_NOT_APPROVED' });
    expect(relayTargets(state, STRANGER, CUSTOMER, 'desktop', 'sh-1')).toMatchObject({ ok: false, code: 'SESSION_NOT_FOUND' });
  });

  it('SHR-4 an ended share closes on both ends (share_ended)', () => {
    const before = fold(sessionDecider, approved());
    const after = fold(sessionDecider, [...approved(), ev.shareEnded('sh-1', 'stopped')]);
    expect(mediaToClose(before, after)).toEqual([{ media: 'desktop', shareId: 'sh-1', reason: 'share_ended', parties: [CSR, CUSTOMER] }]);
  });

  it('CTL-4 moving control closes an approved share (control_moved)', () => {
    const before = fold(sessionDecider, approved());
    const after = stateAfter(approved(), cmd('TransferControl', { toUserId: HELPER, receiverSupportsVoice: true }));
    expect(mediaToClose(before, after)).toEqual([{ media: 'desktop', shareId: 'sh-1', reason: 'control_moved', parties: [CSR, CUSTOMER] }]);
  });

  it('MC-3 switching the active customer closes the share (customer_switched)', () => {
    const history = [...approved(), ev.customerJoined(CUSTOMER2)];
    const after = stateAfter(history, cmd('SelectActiveCustomer', { customerId: CUSTOMER2 }, asCsr()));
    expect(mediaToClose(fold(sessionDecider, history), after)).toEqual([{ media: 'desktop', shareId: 'sh-1', reason: 'customer_switched', parties: [CSR, CUSTOMER] }]);
  });

  it('TL-2 / MC-2 video goes to every other participant while it runs; its end closes it for all', () => {
    const before = fold(sessionDecider, withCustomerAndHelper());
    expect(relayTargets(before, CSR, '*', 'video', undefined)).toMatchObject({ ok: false, code: 'VIDEO_NOT_RUNNING' });
    const running = stateAfter(withCustomerAndHelper(), cmd('StartVideo', { videoId: 'v-1', cameraAvailable: true }));
    expect(relayTargets(running, CSR, '*', 'video', undefined)).toEqual({ ok: true, to: expect.arrayContaining([HELPER, CUSTOMER]) });
    const ended = stateAfter(withCustomerAndHelper(), cmd('EndSession', { reason: 'ended_by_csr' }));
    expect(mediaToClose(running, ended)).toEqual([{ media: 'video', reason: 'session_ended', parties: expect.arrayContaining([CSR, HELPER, CUSTOMER]) }]);
  });

  it('TL-5 voice goes only between the call host and the person called', () => {
    const call = stateAfter(withCustomerAndHelper(), cmd('StartVoiceCall', { callId: 'c-1', withUserId: CUSTOMER }));
    expect(relayTargets(call, CUSTOMER, '*', 'voice', undefined)).toEqual({ ok: true, to: [CSR] });
    expect(relayTargets(call, HELPER, CUSTOMER, 'voice', undefined)).toMatchObject({ ok: false, code: 'VOICE_NOT_RUNNING' });
  });
});
