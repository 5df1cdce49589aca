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
  readonly recording: { readonly recordingId: string; readonly automatic: boolean } | null;
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
  readonly activities: Activities;
  /** Every share and file-transfer id used so far, so none is reused. */
  readonly usedActivityIds: readonly string[];
  /** Everyone who has taken part so far, including those who left: who may see the session. */
  readonly everParticipantIds: readonly string[];
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
  readonly reason: SessionEndReason;
  readonly endedBy: string;
  readonly endedAt: string;
  /** Everyone who took part: they, and nobody else, may still read it and hear repeats. */
  readonly everParticipantIds: readonly string[];
}

export type SessionState = NoSession | ActiveSession | QueuedSession | EndedSession;
export type LiveSession = ActiveSession | QueuedSession;
export type SessionStatus = SessionState['status'];

export const initialSessionState = (): SessionState => ({ status: 'none' });

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
        activities: NO_ACTIVITIES,
        usedActivityIds: [],
        everParticipantIds: [d.by],
      };
    }
    case 'InvitationSent':
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
      const { fileId, fileName } = event.data;
      return live(state, (s) => ({ ...s, publishedFiles: [...s.publishedFiles, { fileId, fileName }] }));
    }
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
      const { recordingId, automatic } = event.data;
      return live(state, (s) => activities(s, { recording: { recordingId, automatic } }));
    }
    case 'RecordingStopped':
      return live(state, (s) => activities(s, { recording: null }));
    case 'DisplayModeChanged':
      return live(state, (s) => ({ ...s, displayMode: event.data.mode }));
    case 'SessionEnded': {
      if (state.status !== 'active' && state.status !== 'queued') return state;
      const { reason, by, at } = event.data;
      return {
        status: 'ended',
        sessionId: state.sessionId,
        number: state.number,
        reason,
        endedBy: by,
        endedAt: at,
        everParticipantIds: state.everParticipantIds ?? [],
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

export const isCsrPlace = (place: Place | null): place is CsrPlace =>
  place === 'controller' || place === 'helper' || place === 'observer';

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
export function mediaAudience(state: SessionState, shareId: string): readonly string[] {
  if (state.status !== 'active') return [];
  const share = state.activities.shares.find((sh) => sh.shareId === shareId);
  return share?.status === 'approved' ? participantIds(state) : [];
}
