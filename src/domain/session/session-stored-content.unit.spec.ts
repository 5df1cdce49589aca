import * as E from './session.errors.js';
import type { SessionEvent } from './session.events.js';
import { fileAudience } from './session.state.js';
import { sessionDecider } from './index.js';
import { fold } from '../shared/decider.js';
import { asCsr, asCustomer, asSystem, AT, cmd, context, CSR, CUSTOMER, ev, HELPER, meta, spec, stateAfter, STRANGER, withCustomerAndHelper } from './testing/session.fixtures.js';

const SHA = 'a'.repeat(64);
const later = (ms: number, userId = CSR, roles = ['csr']) => ({ ...meta(userId, roles), now: new Date(Date.parse(AT) + ms) });
const bytes = (recordingId = 'rec-1', sizeBytes = 1234, sha256 = SHA) => ({ ...context(), recordingBytes: { recordingId, sizeBytes, sha256 } });
const recording = (): SessionEvent[] => [...withCustomerAndHelper(), ev.recordingStarted('rec-1')];
const approvedTransfer = (): SessionEvent[] => [...withCustomerAndHelper(), ev.transferRequested('t-1'), ev.transferApproved('t-1')];
const stopped = (reason: string, sizeBytes: number, durationMs: number, sha256: string | null, by = CSR, at = AT) =>
  expect.objectContaining({ type: 'RecordingStopped', data: { recordingId: 'rec-1', reason, sizeBytes, durationMs, sha256, by, at } });

describe('recordings carry their bytes (REC-1, REC-2, CTL-4)', () => {
  it('REC-1 stopping carries the stored size, duration and SHA-256, so the hash chain covers the recording', () => {
    const events = spec
      .given(recording(), bytes())
      .when(cmd('StopRecording', {}, later(4_500)))
      .events();
    expect(events).toEqual([stopped('stopped', 1234, 4_500, SHA, CSR, new Date(Date.parse(AT) + 4_500).toISOString())]);
  });

  it('REC-1 a recording no byte of which arrived stops with size 0 and no digest', () => {
    expect(spec.given(recording()).when(cmd('StopRecording', {})).events()).toEqual([stopped('stopped', 0, 0, null)]);
  });

  it('REC-1 bytes reported for another recording are not taken for this one', () => {
    expect(spec.given(recording(), bytes('rec-other')).when(cmd('StopRecording', {})).events()).toEqual([stopped('stopped', 0, 0, null)]);
  });

  it('CTL-4 passing control cuts the recording with what it stored', () => {
    const events = spec
      .given(recording(), bytes())
      .when(cmd('TransferControl', { toUserId: HELPER, receiverSupportsVoice: true }))
      .events();
    expect(events).toContainEqual(stopped('control_transferred', 1234, 0, SHA));
  });

  it('REC-2 the session end cuts the automatic recording with what it stored', () => {
    const history = [ev.started({ settings: { autoRecord: true } }), ev.recordingStarted('rec-1', true, 'system'), ev.customerJoined()];
    const events = spec
      .given(history, bytes())
      .when(cmd('EndSession', { reason: 'ended_by_csr' }))
      .events();
    expect(events).toContainEqual(stopped('session_ended', 1234, 0, SHA));
  });

  it('REC-1 the stored recording stays known after the session ended (for retention)', () => {
    const state = stateAfter(recording(), cmd('EndSession', { reason: 'ended_by_csr' }), bytes());
    expect(state).toMatchObject({ status: 'ended', stored: { recordings: [{ id: 'rec-1', sizeBytes: 1234, sha256: SHA, deleted: false }] } });
  });
});

describe('files (TL-3, TL-4)', () => {
  it('TL-3 a published upload carries its digest and sniffed type; every participant may fetch it', () => {
    const command = cmd('PublishFile', { fileId: 'f-1', fileName: 'a.pdf', sizeBytes: 10, sha256: SHA, contentType: 'application/pdf' });
    spec
      .given(withCustomerAndHelper())
      .when(command)
      .then([{ type: 'FilePublished', data: { fileId: 'f-1', fileName: 'a.pdf', sizeBytes: 10, sha256: SHA, contentType: 'application/pdf', by: CSR, at: AT } }]);
    const state = stateAfter(withCustomerAndHelper(), command);
    expect([...fileAudience(state, 'f-1')].sort()).toEqual([CSR, CUSTOMER, HELPER].sort());
  });

  it('TL-3 only the controller publishes', () => {
    spec
      .given(withCustomerAndHelper())
      .when(cmd('PublishFile', { fileId: 'f-1', fileName: 'a.pdf', sizeBytes: 1, sha256: SHA }, asCustomer()))
      .thenError(E.NOT_CONTROLLER);
  });

  it('TL-3 a digest that is not SHA-256 hex is refused, naming the field', () => {
    const error = spec
      .given(withCustomerAndHelper())
      .when(cmd('PublishFile', { fileId: 'f-1', fileName: 'a', sizeBytes: 1, sha256: 'xyz' }))
      .thenError(E.INVALID_FILE);
    expect(error.field).toBe('sha256');
  });

  const send = (metadata = asCustomer()) =>
    cmd('SendFile', { fileId: 'f-2', transferId: 't-1', fileName: 'log.txt', sizeBytes: 5, sha256: SHA, contentType: 'text/plain' }, metadata);

  it('TL-4 after approval the customer sends to the CSRs and the controller to the customer', () => {
    expect(spec.given(approvedTransfer()).when(send()).events()).toEqual([
      expect.objectContaining({ type: 'FileSent', data: expect.objectContaining({ direction: 'to_csrs', customerId: CUSTOMER, sha256: SHA }) }),
    ]);
    expect(spec.given(approvedTransfer()).when(send(asCsr())).events()).toEqual([
      expect.objectContaining({ type: 'FileSent', data: expect.objectContaining({ direction: 'to_customer' }) }),
    ]);
  });

  it('TL-4 before approval nothing moves', () => {
    spec
      .given([...withCustomerAndHelper(), ev.transferRequested('t-1')])
      .when(send())
      .thenError(E.FILE_TRANSFER_NOT_APPROVED);
  });

  it('TL-4 a helper is no party to the transfer', () => {
    spec
      .given(approvedTransfer())
      .when(send(asCsr(HELPER)))
      .thenError(E.NOT_TRANSFER_PARTY);
  });

  it('TL-4 a sent file is for the transfer customer and the CSRs only', () => {
    const state = stateAfter([...approvedTransfer(), ev.customerJoined('cust-other')], send());
    expect(fileAudience(state, 'f-2')).not.toContain('cust-other');
    expect(fileAudience(state, 'f-2')).toEqual(expect.arrayContaining([CSR, HELPER, CUSTOMER]));
    expect(fileAudience(state, 'f-2')).not.toContain(STRANGER);
  });
});

describe('retention (ADM-1)', () => {
  const DAY = 86_400_000;
  const withRetention = { ...bytes(), retention: { recordingDays: 2, fileDays: 1 } };
  const ended = (): SessionEvent[] => {
    const state = sessionDecider.decide(cmd('StopRecording', {}), fold(sessionDecider, recording()), bytes());
    return [...recording(), ...state, ev.ended()];
  };

  it('ADM-1 the system deletes a recording older than the site keeps them, once', () => {
    const events = spec
      .given(ended(), withRetention)
      .when(cmd('ExpireStoredContent', { kind: 'recording', id: 'rec-1' }, later(2 * DAY, 'system', ['system'])))
      .events();
    expect(events).toEqual([expect.objectContaining({ type: 'RecordingDeleted', data: expect.objectContaining({ recordingId: 'rec-1', retentionDays: 2, by: 'system' }) })]);
    spec
      .given([...ended(), ...events], withRetention)
      .when(cmd('ExpireStoredContent', { kind: 'recording', id: 'rec-1' }, later(3 * DAY, 'system', ['system'])))
      .then([]);
  });

  it('ADM-1 nothing younger than the retention is deleted, and only the system deletes', () => {
    spec
      .given(ended(), withRetention)
      .when(cmd('ExpireStoredContent', { kind: 'recording', id: 'rec-1' }, later(DAY, 'system', ['system'])))
      .thenError(E.RETENTION_NOT_REACHED);
    spec
      .given(ended(), withRetention)
      .when(cmd('ExpireStoredContent', { kind: 'recording', id: 'rec-1' }, later(3 * DAY)))
      .thenError(E.SYSTEM_ONLY);
    spec
      .given(ended(), withRetention)
      .when(cmd('ExpireStoredContent', { kind: 'file', id: 'nope' }, asSystem()))
      .thenError(E.STORED_CONTENT_NOT_FOUND);
  });
});
