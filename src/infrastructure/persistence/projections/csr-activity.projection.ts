import { own } from '../../../domain/shared/own.js';
import { eventIdFor } from '../../../application/command-handling/command-handler.js';
import type { RecordedEvent } from '../../../application/event-store/event-store.port.js';
import { handledTypes } from '../../../application/projections/handled-types.js';
import { type Projection, rowProjection } from '../../projections/projection.js';
import type { SessionEventType } from '../../../domain/session/index.js';
import { type CsrPart, ReportSessionRow } from '../entities/report-session.entity.js';

/** RPT-1 counts who was in a session and what they did; every other session event is decided here, not forgotten. */
const SESSION_TYPES = handledTypes<SessionEventType>({
  SessionStarted: true,
  InvitationSent: false,
  CustomerJoined: true,
  HelperJoined: true,
  ParticipantLeft: false,
  ActiveCustomerSelected: false,
  ControlTransferred: true,
  HandedToQueue: true,
  HandOverAccepted: true,
  ShareRequested: false,
  ShareApproved: false,
  ShareDeclined: false,
  ShareEnded: false,
  ChatMessageSent: false,
  ChatClosed: false,
  FilePublished: false,
  FileTransferRequested: false,
  FileTransferApproved: false,
  FileTransferDeclined: false,
  FileTransferEnded: false,
  VideoStarted: false,
  VideoEnded: false,
  VoiceCallStarted: false,
  VoiceCallEnded: false,
  NoteSaved: true,
  RecordingStarted: true,
  RecordingStopped: false,
  DisplayModeChanged: false,
  SessionEnded: true,
  FileSent: false,
  FileExpired: false,
  RecordingDeleted: false,
  InvitationUndelivered: false,
});

/** The session an event is about: its own stream, or for a queue's accepted offer, the session it became. */
function sessionOf(event: RecordedEvent): string | undefined {
  if (event.streamId.startsWith('session-')) return event.streamId.slice('session-'.length);
  if (event.type === 'OfferAccepted') {
    const data = event.data as { sessionId: string | null; itemId: string };
    return data.sessionId ?? eventIdFor('inbound-session', data.itemId, 0);
  }
  return undefined;
}

const part = (at: string): CsrPart => ({ joinedAt: at, transfersGiven: 0, transfersReceived: 0, handOvers: 0, recordings: 0, notes: [] });

/**
 * Pure: the report row after an event (RPT-1). Session events apply once each (version guard);
 * a queue's OfferAccepted only sets the queue facts, so applying it again changes nothing.
 */
export function evolveReportSession(row: ReportSessionRow | null, event: RecordedEvent): ReportSessionRow | null {
  const fromSession = event.streamId.startsWith('session-');
  if (row && fromSession && event.version <= row.version) return row;
  const next = Object.assign(new ReportSessionRow(), {
    sessionId: sessionOf(event)!,
    kind: null,
    mode: null,
    startedAt: null,
    endedAt: null,
    startedBy: null,
    customers: [],
    queueId: null,
    queueWaitMs: null,
    pickedUpBy: null,
    csrs: {},
    version: -1,
    ...row,
  }) as ReportSessionRow;
  next.csrs = structuredClone(next.csrs);
  const d = event.data as Record<string, any>;
  const csr = (id: string) => own(next.csrs, id) ?? (next.csrs = { ...next.csrs, [id]: part(d.at ?? event.recordedAt.toISOString()) })[id]!;
  switch (event.type) {
    case 'SessionStarted':
      Object.assign(next, { kind: d.kind, mode: d.mode, startedAt: new Date(d.at), startedBy: d.by });
      csr(d.by);
      break;
    case 'HelperJoined':
      csr(d.helperId);
      break;
    case 'CustomerJoined':
      if (!next.customers.includes(d.customerId)) next.customers = [...next.customers, d.customerId];
      break;
    case 'ControlTransferred':
      csr(d.from).transfersGiven += 1;
      csr(d.to).transfersReceived += 1;
      break;
    case 'HandedToQueue':
      csr(d.by).handOvers += 1;
      break;
    case 'HandOverAccepted':
      csr(d.agentId);
      break;
    case 'RecordingStarted':
      if (d.by !== 'system') csr(d.by).recordings += 1;
      else if (next.startedBy) csr(next.startedBy).recordings += 1; // REC-2: recorded for the CSR who started it
      break;
    case 'NoteSaved':
      csr(d.by).notes.push({ noteId: d.noteId, text: d.text, at: d.at });
      break;
    case 'SessionEnded':
      next.endedAt = new Date(d.at);
      break;
    case 'OfferAccepted':
      Object.assign(next, { queueId: event.streamId.slice('queue-'.length), queueWaitMs: d.waitedMs ?? null, pickedUpBy: d.agentId });
      return next;
  }
  if (fromSession) next.version = event.version;
  return next;
}

export const csrActivityProjection: Projection = rowProjection<ReportSessionRow>({
  name: 'report_sessions',
  entity: ReportSessionRow,
  keyColumn: 'sessionId',
  handles: [...SESSION_TYPES, 'OfferAccepted'],
  key: sessionOf,
  evolve: evolveReportSession,
});
