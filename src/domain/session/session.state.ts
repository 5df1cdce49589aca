import { assertNever } from '../shared/decider.js';
import type { SessionNumber } from './session-number.js';
import type {
  CsrPlace,
  DisplayMode,
  HandOverTarget,
  Place,
  SessionEndReason,
  SessionEvent,
  SessionKind,
  SessionMode,
  ShareKind,
  ShareMode,
  StartedWithSettings,
} from './session.events.js';

export interface Customer {
  readonly customerId: string;
  readonly displayName: string | null;
}

export interface Share {
  readonly shareId: string;
  readonly kind: ShareKind;
  readonly mode: ShareMode;
  readonly customerId: string;
  /** Nothing is shown or controlled until 'approved' (SHR-4). */
  readonly status: 'requested' | 'approved';
  readonly startUrl: string | null;
  readonly applicationName: string | null;
}

export interface FileTransfer {
  readonly transferId: string;
  readonly customerId: string;
  readonly status: 'requested' | 'approved';
}

/** The support activities under way; CTL-4, MC-3, Q-4 and the session's end wind them down. */
export interface Activities {
  readonly shares: readonly Share[];
  readonly fileTransfers: readonly FileTransfer[];
  readonly chatOpen: boolean;
  readonly video: { readonly videoId: string } | null;
  /** `hostId`: the CSR whose call it is; it follows control when the call goes on (CTL-5). */
  readonly voiceCall: { readonly callId: string; readonly hostId: string; readonly withUserId: string } | null;
  /** `startedAt`: ISO-8601, from RecordingStarted; RecordingStopped's duration counts from it. */
  readonly recording: { readonly recordingId: string; readonly automatic: boolean; readonly startedAt: string } | null;
}

/** A recording or file whose bytes Tandem stored; kept after the session ends, for retention (ADM-1). */
export interface StoredItem {
  readonly id: string;
  /** ISO-8601: when the bytes were stored (the event's `at`). */
  readonly storedAt: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  /** The file's name as sent (sanitised), or the recording's `<id>.webm`. */
  readonly name: string;
  /** The sniffed media type. */
  readonly contentType: string;
  /** The bytes were deleted (RecordingDeleted, FileExpired). */
  readonly deleted: boolean;
}

/** What the session stored, in the order it was stored. */
export interface StoredContent {
  readonly recordings: readonly StoredItem[];
  readonly files: readonly StoredItem[];
}

/** A file that moved in an approved advanced transfer (TL-4). */
export interface SentFile {
  readonly fileId: string;
  readonly transferId: string;
  readonly fileName: string;
  readonly direction: 'to_csrs' | 'to_customer';
  readonly customerId: string;
}

/** An email invitation the system mails (INV-1), and whether its delivery finally failed. */
export interface MailedInvitation {
  readonly invitationId: string;
  readonly address: string;
  /** Set once the mail server refused it for good (InvitationUndelivered). */
  readonly undelivered: { readonly reason: string; readonly at: string } | null;
}

interface LiveSessionFields {
  readonly sessionId: string;
  readonly number: SessionNumber;
  readonly kind: SessionKind;
  readonly mode: SessionMode;
  readonly joinLink: string;
  readonly siteUrl: string;
  readonly originUrl: string | null;
  readonly settings: StartedWithSettings;
  readonly startedBy: string;
  readonly startedAt: string;
  /** CSRs in the session by user id; in an active session exactly one is 'controller'. */
  readonly csrs: Readonly<Record<string, CsrPlace>>;
  /** Every customer in the session, in the order they joined (MC-1). */
  readonly customers: readonly Customer[];
  /** The customer being assisted (MC-1); the first to join, until the CSR selects another. */
  readonly activeCustomerId: string | null;
  readonly displayMode: DisplayMode;
  readonly publishedFiles: readonly { readonly fileId: string; readonly fileName: string }[];
  /** Files moved in advanced transfers (TL-4); only the transfer's customer and the CSRs may fetch them. */
  readonly sentFiles: readonly SentFile[];
  readonly stored: StoredContent;
  readonly activities: Activities;
  /** Every share and file-transfer id used so far, so none is reused. */
  readonly usedActivityIds: readonly string[];
  /** Everyone who has taken part so far, including those who left: who may see the session. */
  readonly everParticipantIds: readonly string[];
  /** Email invitations the system mails, in the order sent; absent in states folded before it existed. */
  readonly mailedInvitations?: readonly MailedInvitation[];
}

export interface NoSession {
  readonly status: 'none';
}

export interface ActiveSession extends LiveSessionFields {
  readonly status: 'active';
  /** The primary CSR, holding control (SES-1, CTL-2). */
  readonly controllerId: string;
}

/** Handed to a queue or to agents, waiting for one to accept. Nobody holds control. */
export interface QueuedSession extends LiveSessionFields {
  readonly status: 'queued';
  readonly handOver: { readonly target: HandOverTarget; readonly message: string | null; readonly by: string; readonly at: string };
}

export interface EndedSession {
  readonly status: 'ended';
  readonly sessionId: string;
  readonly number: SessionNumber;
  /** Kept from the live session, so an ended session can still be shown from its state alone. */
  readonly kind: SessionKind;
  readonly mode: SessionMode;
  readonly startedAt: string;
  readonly reason: SessionEndReason;
  readonly endedBy: string;
  readonly endedAt: string;
  /** Everyone who took part: they, and nobody else, may still read it and hear repeats. */
  readonly everParticipantIds: readonly string[];
  readonly stored: StoredContent;
}

export type SessionState = NoSession | ActiveSession | QueuedSession | EndedSession;
export type LiveSession = ActiveSession | QueuedSession;
export type SessionStatus = SessionState['status'];

export const initialSessionState = (): SessionState => ({ status: 'none' });

const OCTET_STREAM = 'application/octet-stream';
/** Recordings are WebM (the console's MediaRecorder writes it). */
export const RECORDING_TYPE = 'video/webm';

const NOTHING_STORED: StoredContent = { recordings: [], files: [] };

const NO_ACTIVITIES: Activities = {
  shares: [],
  fileTransfers: [],
  chatOpen: false,
  video: null,
  voiceCall: null,
  recording: null,
};

export function evolveSession(state: SessionState, event: SessionEvent): SessionState {
  switch (event.type) {
    case 'SessionStarted': {
      const d = event.data;
      return {
        status: 'active',
        sessionId: d.sessionId,
        number: d.number as SessionNumber,
        kind: d.kind,
        mode: d.mode,
        joinLink: d.joinLink,
        siteUrl: d.siteUrl,
        originUrl: d.originUrl,
        settings: d.settings,
        startedBy: d.by,
        startedAt: d.at,
        controllerId: d.by,
        csrs: { [d.by]: 'controller' },
        customers: [],
        activeCustomerId: null,
        displayMode: 'standard',
        publishedFiles: [],
        sentFiles: [],
        stored: NOTHING_STORED,
        activities: NO_ACTIVITIES,
        usedActivityIds: [],
        mailedInvitations: [],
        everParticipantIds: [d.by],
      };
    }
    case 'InvitationSent': {
      const { invitationId, channel, delivery, address } = event.data;
      if (channel !== 'email' || delivery !== 'system' || !address) return state;
      return live(state, (s) => ({ ...s, mailedInvitations: [...(s.mailedInvitations ?? []), { invitationId, address, undelivered: null }] }));
    }
    case 'InvitationUndelivered': {
      const { invitationId, reason, at } = event.data;
      return live(state, (s) => ({
        ...s,
        mailedInvitations: (s.mailedInvitations ?? []).map((i) => (i.invitationId === invitationId ? { ...i, undelivered: { reason, at } } : i)),
      }));
    }
    case 'NoteSaved':
      return state;
    case 'CustomerJoined': {
      const { customerId, displayName } = event.data;
      return live(state, (s) => ({
        ...s,
        customers: [...s.customers, { customerId, displayName }],
        activeCustomerId: s.activeCustomerId ?? customerId,
        everParticipantIds: withMember(s.everParticipantIds, customerId),
      }));
    }
    case 'HelperJoined':
      return live(state, (s) => ({
        ...s,
        csrs: { ...s.csrs, [event.data.helperId]: 'helper' },
        everParticipantIds: withMember(s.everParticipantIds, event.data.helperId),
      }));
    case 'ParticipantLeft': {
      const { userId } = event.data;
      return live(state, (s) => ({
        ...s,
        csrs: withoutKey(s.csrs, userId),
        customers: s.customers.filter((c) => c.customerId !== userId),
        activeCustomerId: s.activeCustomerId === userId ? null : s.activeCustomerId,
      }));
    }
    case 'ActiveCustomerSelected':
      return live(state, (s) => ({ ...s, activeCustomerId: event.data.customerId }));
    case 'ControlTransferred': {
      const { from, to } = event.data;
      if (state.status !== 'active') return state;
      const call = state.activities.voiceCall;
      return {
        ...state,
        controllerId: to,
        csrs: { ...state.csrs, [from]: 'observer', [to]: 'controller' },
        activities: { ...state.activities, voiceCall: call && { ...call, hostId: to } },
      };
    }
    case 'HandedToQueue': {
      if (state.status !== 'active') return state;
      const { controllerId: giver, ...rest } = state;
      const { target, message, by, at } = event.data;
      // The giver leaves right after; until then they hold no control.
      return { ...rest, status: 'queued', csrs: { ...state.csrs, [giver]: 'observer' }, handOver: { target, message, by, at } };
    }
    case 'HandOverAccepted': {
      if (state.status !== 'queued') return state;
      const { handOver: _handOver, ...rest } = state;
      const { agentId } = event.data;
      return {
        ...rest,
        status: 'active',
        controllerId: agentId,
        csrs: { ...state.csrs, [agentId]: 'controller' },
        everParticipantIds: withMember(state.everParticipantIds, agentId),
      };
    }
    case 'ShareRequested': {
      const { shareId, kind, mode, customerId, startUrl } = event.data;
      const share: Share = { shareId, kind, mode, customerId, status: 'requested', startUrl, applicationName: null };
      return live(state, (s) => ({
        ...activities(s, { shares: [...s.activities.shares, share] }),
        usedActivityIds: [...s.usedActivityIds, shareId],
      }));
    }
    case 'ShareApproved': {
      const { shareId, applicationName } = event.data;
      return live(state, (s) =>
        activities(s, {
          shares: s.activities.shares.map((sh) => (sh.shareId === shareId ? { ...sh, status: 'approved', applicationName } : sh)),
        }),
      );
    }
    case 'ShareDeclined':
    case 'ShareEnded': {
      const { shareId } = event.data;
      return live(state, (s) => activities(s, { shares: s.activities.shares.filter((sh) => sh.shareId !== shareId) }));
    }
    case 'ChatMessageSent':
      return live(state, (s) => activities(s, { chatOpen: true }));
    case 'ChatClosed':
      return live(state, (s) => activities(s, { chatOpen: false }));
    case 'FilePublished': {
      const { fileId, fileName, sizeBytes, sha256, contentType, at } = event.data;
      return live(state, (s) => {
        const published = { ...s, publishedFiles: [...s.publishedFiles, { fileId, fileName }] };
        if (sha256 === null) return published;
        return storedFile(published, { id: fileId, storedAt: at, sizeBytes: sizeBytes ?? 0, sha256, name: fileName, contentType: contentType ?? OCTET_STREAM, deleted: false });
      });
    }
    case 'FileSent': {
      const { fileId, transferId, fileName, direction, customerId, sizeBytes, sha256, contentType, at } = event.data;
      const item: StoredItem = { id: fileId, storedAt: at, sizeBytes, sha256, name: fileName, contentType, deleted: false };
      return live(state, (s) => storedFile({ ...s, sentFiles: [...(s.sentFiles ?? []), { fileId, transferId, fileName, direction, customerId }] }, item));
    }
    case 'FileExpired':
      return withStored(state, (st) => ({ ...st, files: st.files.map((f) => (f.id === event.data.fileId ? { ...f, deleted: true } : f)) }));
    case 'RecordingDeleted':
      return withStored(state, (st) => ({ ...st, recordings: st.recordings.map((r) => (r.id === event.data.recordingId ? { ...r, deleted: true } : r)) }));
    case 'FileTransferRequested': {
      const { transferId, customerId } = event.data;
      return live(state, (s) => ({
        ...activities(s, { fileTransfers: [...s.activities.fileTransfers, { transferId, customerId, status: 'requested' }] }),
        usedActivityIds: [...s.usedActivityIds, transferId],
      }));
    }
    case 'FileTransferApproved': {
      const { transferId } = event.data;
      return live(state, (s) =>
        activities(s, {
          fileTransfers: s.activities.fileTransfers.map((t) => (t.transferId === transferId ? { ...t, status: 'approved' } : t)),
        }),
      );
    }
    case 'FileTransferDeclined':
    case 'FileTransferEnded': {
      const { transferId } = event.data;
      return live(state, (s) => activities(s, { fileTransfers: s.activities.fileTransfers.filter((t) => t.transferId !== transferId) }));
    }
    case 'VideoStarted':
      return live(state, (s) => activities(s, { video: { videoId: event.data.videoId } }));
    case 'VideoEnded':
      return live(state, (s) => activities(s, { video: null }));
    case 'VoiceCallStarted': {
      const { callId, withUserId, by } = event.data;
      return live(state, (s) => activities(s, { voiceCall: { callId, hostId: by, withUserId } }));
    }
    case 'VoiceCallEnded':
      return live(state, (s) => activities(s, { voiceCall: null }));
    case 'RecordingStarted': {
      const { recordingId, automatic, at } = event.data;
      return live(state, (s) => activities(s, { recording: { recordingId, automatic, startedAt: at } }));
    }
    case 'RecordingStopped': {
      const { recordingId, sizeBytes, sha256, at } = event.data;
      return live(state, (s) => {
        const stopped = activities(s, { recording: null });
        if (sha256 === null) return stopped;
        const item: StoredItem = { id: recordingId, storedAt: at, sizeBytes: sizeBytes ?? 0, sha256, name: `${recordingId}.webm`, contentType: RECORDING_TYPE, deleted: false };
        return { ...stopped, stored: { ...NOTHING_STORED, ...stopped.stored, recordings: [...(stopped.stored?.recordings ?? []), item] } };
      });
    }
    case 'DisplayModeChanged':
      return live(state, (s) => ({ ...s, displayMode: event.data.mode }));
    case 'SessionEnded': {
      if (state.status !== 'active' && state.status !== 'queued') return state;
      const { reason, by, at } = event.data;
      return {
        status: 'ended',
        sessionId: state.sessionId,
        number: state.number,
        kind: state.kind,
        mode: state.mode,
        startedAt: state.startedAt,
        reason,
        endedBy: by,
        endedAt: at,
        everParticipantIds: state.everParticipantIds ?? [],
        stored: state.stored,
      };
    }
    default:
      return assertNever(event);
  }
}

/** Applies `change` to a live session; events never reach other states from a valid history. */
function live(state: SessionState, change: (s: LiveSession) => LiveSession): SessionState {
  switch (state.status) {
    case 'active':
    case 'queued':
      return change(state);
    case 'none':
    case 'ended':
      return state;
    default:
      return assertNever(state);
  }
}

function storedFile<S extends LiveSession>(s: S, item: StoredItem): S {
  return { ...s, stored: { ...NOTHING_STORED, ...s.stored, files: [...(s.stored?.files ?? []), item] } };
}

/** Retention events apply to live and ended sessions alike. */
function withStored(state: SessionState, change: (stored: StoredContent) => StoredContent): SessionState {
  switch (state.status) {
    case 'active':
    case 'queued':
    case 'ended':
      return { ...state, stored: change(state.stored ?? NOTHING_STORED) };
    case 'none':
      return state;
    default:
      return assertNever(state);
  }
}

function activities<S extends LiveSession>(s: S, change: Partial<Activities>): S {
  return { ...s, activities: { ...s.activities, ...change } };
}

/** The list with `userId` added once; rows folded before the list existed start from nothing. */
function withMember(ids: readonly string[] | undefined, userId: string): readonly string[] {
  const known = ids ?? [];
  return known.includes(userId) ? known : [...known, userId];
}

function withoutKey<V>(record: Readonly<Record<string, V>>, key: string): Readonly<Record<string, V>> {
  const { [key]: _removed, ...rest } = record;
  return rest;
}

// ---- queries over state, shared by the decider and by readers (signalling gateway, projections)

/** Where the user stands in the session, or null when they take no part. */
export function placeOf(s: LiveSession, userId: string): Place | null {
  // Own keys only: a user called `constructor` or `__proto__` is nobody's CSR by inheritance.
  if (Object.hasOwn(s.csrs, userId)) return s.csrs[userId]!;
  return s.customers.some((c) => c.customerId === userId) ? 'customer' : null;
}

export const isCsrPlace = (place: Place | null): place is CsrPlace => place === 'controller' || place === 'helper' || place === 'observer';

/** Whether the user takes or took part in the session (who may see it and hear repeats). */
export function hasTakenPart(state: LiveSession | EndedSession, userId: string): boolean {
  return (state.everParticipantIds ?? []).includes(userId) || (state.status !== 'ended' && placeOf(state, userId) !== null);
}

/** Everyone in the session: CSRs in any place and every customer. */
export function participantIds(s: LiveSession): readonly string[] {
  return [...Object.keys(s.csrs), ...s.customers.map((c) => c.customerId)];
}

/**
 * Who may receive a share's media: nobody before the customer approved, nor after it was
 * declined or ended (SHR-4); once approved, every participant of the session (MC-2).
 * The signalling gateway asks this before relaying.
 */
/**
 * Who may download a stored file while the session is live (TL-3, TL-4): every participant a
 * published file; the transfer's customer and the session's CSRs a file sent in a transfer.
 * Nobody once the bytes expired. Supervisors' replay access is the application's rule.
 */
export function fileAudience(state: SessionState, fileId: string): readonly string[] {
  if (state.status !== 'active' && state.status !== 'queued') return [];
  const stored = state.stored.files.find((f) => f.id === fileId);
  if (!stored || stored.deleted) return [];
  if (state.publishedFiles.some((f) => f.fileId === fileId)) return participantIds(state);
  const sent = state.sentFiles.find((f) => f.fileId === fileId);
  if (!sent) return [];
  return [...Object.keys(state.csrs), ...state.customers.filter((c) => c.customerId === sent.customerId).map((c) => c.customerId)];
}

export function mediaAudience(state: SessionState, shareId: string): readonly string[] {
  if (state.status !== 'active') return [];
  const share = state.activities.shares.find((sh) => sh.shareId === shareId);
  return share?.status === 'approved' ? participantIds(state) : [];
}
