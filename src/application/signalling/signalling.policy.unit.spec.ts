import { fold } from '../../domain/shared/decider.js';
import { sessionDecider, type SessionEvent, type SessionState } from '../../domain/session/index.js';
import { asCsr, cmd, CSR, CUSTOMER, CUSTOMER2, ev, HELPER, HELPER2, stateAfter, STRANGER, withCustomerAndHelper } from '../../domain/session/testing/session.fixtures.js';
import { consentMayChange, MEDIA, mediaToClose, relayTargets } from './signalling.policy.js';

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

  it('SHR-4 / CTL-4 / MC-3 / SES-7 a change that consentMayChange calls neutral leaves every relay decision as it was (no node needs to confirm it)', () => {
    const history: SessionEvent[] = [
      ...withCustomerAndHelper(),
      ev.chatSent('m-1'),
      ev.shareRequested('sh-1'),
      ev.chatSent('m-2', 'hi', CUSTOMER, CUSTOMER),
      ev.shareApproved('sh-1'),
      ev.transferRequested('t-1'),
      ev.transferApproved('t-1'),
      ev.videoStarted(),
      ev.recordingStarted(),
      ev.customerJoined(CUSTOMER2),
      ev.chatClosed('stopped'),
      ev.voiceStarted(),
      ev.selected(CUSTOMER2, CUSTOMER),
      ev.helperJoined(HELPER2),
      ev.recordingStopped('stopped'),
      ev.transferEnded('t-1', 'stopped'),
      ev.shareRequested('sh-2'),
      ev.shareApproved('sh-2', CUSTOMER2),
      ev.transferred(CSR, HELPER),
      ev.left(HELPER2, 'helper'),
      ev.voiceEnded('stopped'),
      ev.videoEnded('stopped'),
      ev.shareEnded('sh-2', 'stopped'),
      ev.ended(),
    ];
    const users = [CSR, HELPER, HELPER2, CUSTOMER, CUSTOMER2, STRANGER];
    const decisions = (state: SessionState) =>
      JSON.stringify(
        users.flatMap((from) => ['*', ...users].flatMap((to) => MEDIA.flatMap((media) => ['sh-1', 'sh-2', undefined].map((sh) => relayTargets(state, from, to, media, sh))))),
      );
    let neutral = 0;
    let changing = 0;
    for (let i = 1; i < history.length; i++) {
      const before = fold(sessionDecider, history.slice(0, i));
      const after = sessionDecider.evolve(before, history[i]!);
      if (consentMayChange(before, after)) changing++;
      else {
        neutral++;
        expect({ event: history[i]!.type, decisions: decisions(after) }).toEqual({ event: history[i]!.type, decisions: decisions(before) });
      }
    }
    expect(neutral).toBeGreaterThanOrEqual(6); // chat, transfers, recording: nobody waits for them
    expect(changing).toBeGreaterThanOrEqual(12);
  });
});
