import { graphemeLength } from '../shared/text.js';
import { validRequiredSkills } from '../shared/skills.js';
import { assertNever, type CommandMetadata } from '../shared/decider.js';
import { forbidden, illegalState, notFound, validationError } from '../shared/domain-error.js';
import { invitationsSent, joinLinkFor } from './invitation.decide.js';
import type {
  AcceptHandOver,
  ApproveFileTransfer,
  ApproveShare,
  ChangeDisplayMode,
  DeclineFileTransfer,
  DeclineShare,
  EndFileTransfer,
  EndSession,
  EndShare,
  EndVideo,
  EndVoiceCall,
  HandToQueue,
  InviteParticipants,
  JoinSession,
  LeaveSession,
  ExpireStoredContent,
  RecordUndeliveredInvitation,
  PublishFile,
  RequestFileTransfer,
  SendFile,
  RequestShare,
  SaveNote,
  SelectActiveCustomer,
  SendChatMessage,
  SessionCommand,
  SessionContext,
  StartRecording,
  StartSession,
  StartVideo,
  StartVoiceCall,
  StopRecording,
  TransferControl,
} from './session.commands.js';
import * as E from './session.errors.js';
import type { ActivityEndReason, HandOverTarget, SessionEvent, SessionStarted, ShareKind, ShareMode } from './session.events.js';
import { parseSessionNumber } from './session-number.js';
import { type ActiveSession, evolveSession, hasTakenPart, isCsrPlace, type LiveSession, type QueuedSession, placeOf, type SessionState, type Share } from './session.state.js';

export const CHAT_MESSAGE_MAX_LENGTH = 2000;
export const HANDOVER_MESSAGE_MAX_LENGTH = 345;
export const NOTE_MAX_LENGTH = 10_000;

export function decideSession(command: SessionCommand, state: SessionState, context: SessionContext): readonly SessionEvent[] {
  assertMaySee(command, state);
  switch (command.type) {
    case 'StartSession':
      return startSession(command, state, context);
    case 'InviteParticipants':
      return inviteParticipants(command, state);
    case 'JoinSession':
      return joinSession(command, state);
    case 'LeaveSession':
      return leaveSession(command, state);
    case 'SelectActiveCustomer':
      return selectActiveCustomer(command, state);
    case 'TransferControl':
      return transferControl(command, state, context);
    case 'HandToQueue':
      return handToQueue(command, state, context);
    case 'AcceptHandOver':
      return acceptHandOver(command, state, context);
    case 'RequestShare':
      return requestShare(command, state);
    case 'ApproveShare':
      return approveShare(command, state);
    case 'DeclineShare':
      return declineShare(command, state);
    case 'EndShare':
      return endShare(command, state);
    case 'SendChatMessage':
      return sendChatMessage(command, state);
    case 'PublishFile':
      return publishFile(command, state);
    case 'SendFile':
      return sendFile(command, state);
    case 'ExpireStoredContent':
      return expireStoredContent(command, state, context);
    case 'RecordUndeliveredInvitation':
      return recordUndeliveredInvitation(command, state);
    case 'RequestFileTransfer':
      return requestFileTransfer(command, state);
    case 'ApproveFileTransfer':
      return answerFileTransfer(command, state, 'FileTransferApproved');
    case 'DeclineFileTransfer':
      return answerFileTransfer(command, state, 'FileTransferDeclined');
    case 'EndFileTransfer':
      return endFileTransfer(command, state);
    case 'StartVideo':
      return startVideo(command, state);
    case 'EndVideo':
      return endVideo(command, state);
    case 'StartVoiceCall':
      return startVoiceCall(command, state);
    case 'EndVoiceCall':
      return endVoiceCall(command, state);
    case 'SaveNote':
      return saveNote(command, state);
    case 'StartRecording':
      return startRecording(command, state);
    case 'StopRecording':
      return stopRecording(command, state, context);
    case 'ChangeDisplayMode':
      return changeDisplayMode(command, state);
    case 'EndSession':
      return endSession(command, state, context);
    default:
      return assertNever(command);
  }
}

// ============================================================ guards

const SEES_EVERY_SESSION = ['system', 'supervisor', 'admin'];

/**
 * Nothing to enumerate: a session exists only for those who take or took part in it, for
 * supervisors, admins and the system. Anyone else gets, for every command, the answer an absent
 * session gives (SESSION_NOT_FOUND, no id, no state), never a hint such as "ended" or "queued".
 * The ways in stay open: a join carrying the session's number (INV-4, AST-1) and an agent taking
 * a session waiting in a queue (Q-5; the decider checks the offer's target).
 */
export function assertMaySee(command: SessionCommand, state: SessionState): void {
  if (state.status === 'none') return;
  const { userId, roles } = command.metadata;
  if (roles.some((role) => SEES_EVERY_SESSION.includes(role)) || hasTakenPart(state, userId)) return;
  // A malformed number is a validation error whatever the session: it tells nothing.
  const typed = command.type === 'JoinSession' ? parseSessionNumber(command.data.number) : null;
  if (state.status !== 'ended') {
    if (typed !== null && typed === state.number) return;
    if (command.type === 'AcceptHandOver' && state.status === 'queued') return;
  }
  throw notFound(E.SESSION_NOT_FOUND, 'There is no such session');
}

/**
 * What a repeated command (the same sender, the same command id) must pass before its first
 * outcome is returned: the same checks a new command of its type meets first, i.e. that the
 * sender may see the session and holds the role the command needs. Throws like a new command.
 */
export function authorizeSessionRepeat(command: SessionCommand, state: SessionState): void {
  if (state.status === 'none') throw notFound(E.SESSION_NOT_FOUND, 'There is no such session');
  assertMaySee(command, state);
  const { roles } = command.metadata;
  const needs = (role: string, code: string, message: string) => {
    if (!roles.includes(role)) throw forbidden(code, message);
  };
  switch (command.type) {
    case 'StartSession':
    case 'AcceptHandOver':
      return needs('csr', E.NOT_A_CSR, 'Only a CSR does this');
    case 'JoinSession':
      return command.data.as === 'helper'
        ? needs('csr', E.NOT_A_CSR, 'Only a CSR joins as helper')
        : needs('customer', E.NOT_A_CUSTOMER, 'Joining as customer needs the customer role');
    case 'EndSession':
      if (command.data.reason === 'console_lost') needs('system', E.SYSTEM_ONLY, 'Only the system ends a session for a lost console');
      return;
    default:
      return;
  }
}

type Stamp = { readonly by: string; readonly at: string };
const stampOf = (metadata: CommandMetadata): Stamp => ({ by: metadata.userId, at: metadata.now.toISOString() });

/** SES-7, INV-6: a session must exist and not have ended. */
function assertLive(state: SessionState): LiveSession {
  switch (state.status) {
    case 'none':
      throw notFound(E.SESSION_NOT_FOUND, 'There is no such session');
    case 'ended':
      throw illegalState(E.SESSION_ENDED, 'The session has ended', { endedAt: state.endedAt });
    case 'active':
    case 'queued':
      return state;
    default:
      return assertNever(state);
  }
}

function assertActive(state: SessionState): ActiveSession {
  const s = assertLive(state);
  if (s.status === 'queued') throw illegalState(E.SESSION_QUEUED, 'The session waits in a queue until an agent accepts it');
  return s;
}

function assertParticipant(s: LiveSession, userId: string) {
  const place = placeOf(s, userId);
  if (place === null) throw forbidden(E.NOT_A_PARTICIPANT, 'You take no part in this session');
  return place;
}

/** AST-2, CTL-2: control functions belong to the CSR holding control. */
function assertController(state: SessionState, metadata: CommandMetadata): ActiveSession {
  const s = assertActive(state);
  assertParticipant(s, metadata.userId);
  if (s.controllerId !== metadata.userId) throw forbidden(E.NOT_CONTROLLER, 'Only the CSR holding control may do this');
  return s;
}

/** SES-3: single-session mode is one session at a time; multi-session is bounded by the admin's maximum. */
function assertCsrCapacity(context: SessionContext): void {
  const { settings, actorLiveSessions } = context;
  if (settings.sessionMode === 'single' && actorLiveSessions > 0) {
    throw illegalState(E.CSR_ALREADY_IN_SESSION, 'In single-session mode a CSR runs one session at a time');
  }
  if (settings.sessionMode === 'multi' && actorLiveSessions >= settings.maxCustomers) {
    throw illegalState(E.CSR_SESSION_LIMIT_REACHED, `A CSR may assist at most ${settings.maxCustomers} customers at once`, {
      maxCustomers: settings.maxCustomers,
    });
  }
}

function assertWebacdAgent(context: SessionContext): void {
  if (!context.settings.webacdEnabled) throw illegalState(E.WEBACD_DISABLED, 'WebACD is not enabled for this site');
  if (!context.settings.webacdAgent) throw forbidden(E.NOT_WEBACD_AGENT, 'Only a WebACD agent may do this');
}

function assertNewActivityId(s: LiveSession, id: string, field: string): void {
  if (!id) throw validationError(E.DUPLICATE_ID, field, `${field} is required`);
  if (s.usedActivityIds.includes(id)) throw illegalState(E.DUPLICATE_ID, `${field} ${id} is already used in this session`);
}

/** Length in characters as a person counts them (code points), not UTF-16 units. */

// ============================================================ consequences

/** Ends every share, or those that match (CTL-4, MC-3, leaving). */
function sharesEnded(s: LiveSession, reason: ActivityEndReason, stamp: Stamp, which: (sh: Share) => boolean = () => true): SessionEvent[] {
  return s.activities.shares.filter(which).map((sh) => ({ type: 'ShareEnded', data: { shareId: sh.shareId, reason, ...stamp } }));
}

interface WindDown {
  /** CTL-5: the voice call goes on when the receiver's system supports voice. */
  readonly keepVoice: boolean;
  /** REC-2: the site's own recording covers the whole session; only the session's end stops it. */
  readonly keepAutomaticRecording: boolean;
  /** What the recording stored so far (from the context), carried by RecordingStopped. */
  readonly recordingBytes: SessionContext['recordingBytes'];
}

/** Ends every support activity under way: sharing, file transfer, chat, video, voice, recording (CTL-4, Q-4, end). */
function supportActivitiesEnded(s: LiveSession, reason: ActivityEndReason, stamp: Stamp, keep: WindDown): SessionEvent[] {
  const { fileTransfers, chatOpen, video, voiceCall, recording } = s.activities;
  const events: SessionEvent[] = sharesEnded(s, reason, stamp);
  for (const t of fileTransfers) events.push({ type: 'FileTransferEnded', data: { transferId: t.transferId, reason, ...stamp } });
  if (chatOpen) events.push({ type: 'ChatClosed', data: { reason, ...stamp } });
  if (video) events.push({ type: 'VideoEnded', data: { videoId: video.videoId, reason, ...stamp } });
  if (voiceCall && !keep.keepVoice) events.push({ type: 'VoiceCallEnded', data: { callId: voiceCall.callId, reason, ...stamp } });
  if (recording && !(recording.automatic && keep.keepAutomaticRecording)) events.push(recordingStopped(recording, reason, stamp, keep.recordingBytes));
  return events;
}

/**
 * REC-1, CTL-4: the stop carries what the recording stored, so the hash chain covers its bytes.
 * Bytes reported for another recording id count as none.
 */
function recordingStopped(
  recording: NonNullable<LiveSession['activities']['recording']>,
  reason: ActivityEndReason,
  stamp: Stamp,
  bytes: SessionContext['recordingBytes'],
): SessionEvent {
  const stored = bytes && bytes.recordingId === recording.recordingId ? bytes : null;
  const durationMs = Math.max(0, Date.parse(stamp.at) - Date.parse(recording.startedAt));
  return {
    type: 'RecordingStopped',
    data: { recordingId: recording.recordingId, reason, sizeBytes: stored?.sizeBytes ?? 0, durationMs, sha256: stored?.sha256 ?? null, ...stamp },
  };
}

/** What ends when a participant leaves: the shares and transfers with them, a call they are in. */
function activitiesOfEnded(s: LiveSession, userId: string, stamp: Stamp): SessionEvent[] {
  const reason: ActivityEndReason = 'participant_left';
  const events = sharesEnded(s, reason, stamp, (sh) => sh.customerId === userId);
  for (const t of s.activities.fileTransfers.filter((t) => t.customerId === userId)) {
    events.push({ type: 'FileTransferEnded', data: { transferId: t.transferId, reason, ...stamp } });
  }
  const call = s.activities.voiceCall;
  if (call && (call.withUserId === userId || call.hostId === userId)) {
    events.push({ type: 'VoiceCallEnded', data: { callId: call.callId, reason, ...stamp } });
  }
  return events;
}

// ============================================================ sessions (SES), invitations (INV)

function startSession({ data, metadata }: StartSession, state: SessionState, context: SessionContext): readonly SessionEvent[] {
  switch (state.status) {
    case 'none':
      break;
    case 'ended':
      throw illegalState(E.SESSION_ENDED, 'The session has ended');
    case 'active':
    case 'queued':
      throw illegalState(E.SESSION_ALREADY_STARTED, 'This session has already started');
    default:
      return assertNever(state);
  }
  if (!metadata.roles.includes('csr')) throw forbidden(E.NOT_A_CSR, 'Only a CSR starts a session');
  const number = parseSessionNumber(data.number);
  const { settings } = context;
  const inbound = data.kind === 'inbound';
  if (!inbound && data.kind !== 'outbound') throw validationError(E.INVALID_SESSION_KIND, 'kind', 'A session is inbound or outbound');
  if (inbound) {
    // SES-2: an inbound session starts when a WebACD agent takes it, with the customer already in.
    assertWebacdAgent(context);
    if (!data.customer?.customerId || !data.originUrl) {
      throw validationError(E.INBOUND_DETAILS_REQUIRED, 'customer', 'An inbound session carries its customer and the page they came from');
    }
  }
  assertCsrCapacity(context);

  const stamp = stampOf(metadata);
  const mode = settings.sessionMode;
  const started: SessionStarted = {
    type: 'SessionStarted',
    data: {
      sessionId: data.sessionId,
      number,
      kind: data.kind,
      mode,
      joinLink: joinLinkFor(context.siteUrl, number),
      siteUrl: context.siteUrl,
      originUrl: inbound ? (data.originUrl ?? null) : null,
      settings: {
        maxCustomers: mode === 'multi' ? 1 : settings.maxCustomers,
        autoRecord: settings.autoRecord,
        coBrowsingAvailable: settings.coBrowsingEnabled && settings.webacdEnabled,
      },
      ...stamp,
    },
  };
  const events: SessionEvent[] = [started];
  if (inbound && data.customer) {
    events.push({ type: 'CustomerJoined', data: { customerId: data.customer.customerId, displayName: data.customer.displayName ?? null, ...stamp } });
  }
  if (settings.autoRecord) {
    // REC-2: recorded from its start, by the site rather than by the CSR.
    const recordingId = data.recordingId ?? `${data.sessionId}:recording`;
    events.push({ type: 'RecordingStarted', data: { recordingId, automatic: true, by: 'system', at: stamp.at } });
  }
  if (data.invitations?.length) {
    // SES-4: invitations go out in the same decision, checked against the session just started.
    const startedState = events.reduce(evolveSession, state) as LiveSession;
    events.push(...invitationsSent(startedState, data.invitations, stamp));
  }
  return events;
}

function inviteParticipants({ data, metadata }: InviteParticipants, state: SessionState): readonly SessionEvent[] {
  const s = assertController(state, metadata);
  if (!data.invitations?.length) throw validationError(E.INVALID_INVITATION, 'invitations', 'Name at least one invitee');
  return invitationsSent(s, data.invitations, stampOf(metadata));
}

function joinSession({ data, metadata }: JoinSession, state: SessionState): readonly SessionEvent[] {
  const s = assertLive(state);
  const typed = parseSessionNumber(data.number);
  if (typed !== s.number) throw validationError(E.SESSION_NUMBER_MISMATCH, 'number', 'That is not the number of this session');
  const { userId, roles } = metadata;
  const stamp = stampOf(metadata);
  const displayName = data.displayName?.trim() || metadata.userName || null;
  if (data.as === 'helper') {
    if (!roles.includes('csr')) throw forbidden(E.NOT_A_CSR, 'Only a CSR joins as helper');
    if (placeOf(s, userId) !== null) return []; // already in: a reconnect, not a second join
    return [{ type: 'HelperJoined', data: { helperId: userId, displayName, ...stamp } }];
  }
  if (data.as !== 'customer') throw validationError(E.INVALID_JOIN_PLACE, 'as', 'Join as customer or as helper');
  if (!roles.includes('customer')) throw forbidden(E.NOT_A_CUSTOMER, 'Joining as customer needs the customer role');
  if (placeOf(s, userId) !== null) return [];
  if (s.customers.length >= s.settings.maxCustomers) {
    throw illegalState(E.CUSTOMER_LIMIT_REACHED, `At most ${s.settings.maxCustomers} customer(s) may take part in this session`, {
      maxCustomers: s.settings.maxCustomers,
    });
  }
  return [{ type: 'CustomerJoined', data: { customerId: userId, displayName, ...stamp } }];
}

function leaveSession({ metadata }: LeaveSession, state: SessionState): readonly SessionEvent[] {
  const s = assertLive(state);
  const place = assertParticipant(s, metadata.userId);
  // SES-6, CTL-6: the CSR holding control ends the session or passes control; they cannot walk away from it.
  if (place === 'controller') throw illegalState(E.CONTROLLER_CANNOT_LEAVE, 'Pass control or end the session before leaving');
  const stamp = stampOf(metadata);
  return [...activitiesOfEnded(s, metadata.userId, stamp), { type: 'ParticipantLeft', data: { userId: metadata.userId, place, reason: 'left', ...stamp } }];
}

function endSession({ data, metadata }: EndSession, state: SessionState, context: SessionContext): readonly SessionEvent[] {
  let s: LiveSession;
  if (data.reason === 'console_lost') {
    // SES-5: presence tracking (heartbeat, grace period) decides the console is gone; only the system says so.
    s = assertLive(state);
    if (!metadata.roles.includes('system')) throw forbidden(E.SYSTEM_ONLY, 'Only the system ends a session for a lost console');
  } else if (data.reason === 'ended_by_csr') {
    // SES-6, CTL-6: only the CSR holding control ends the session.
    s = assertController(state, metadata);
  } else {
    throw validationError(E.INVALID_END_REASON, 'reason', 'The reason is ended_by_csr or console_lost');
  }
  const stamp = stampOf(metadata);
  return [
    ...supportActivitiesEnded(s, 'session_ended', stamp, { keepVoice: false, keepAutomaticRecording: false, recordingBytes: context.recordingBytes }),
    { type: 'SessionEnded', data: { reason: data.reason, ...stamp } },
  ];
}

// ============================================================ several customers (MC)

function selectActiveCustomer({ data, metadata }: SelectActiveCustomer, state: SessionState): readonly SessionEvent[] {
  const s = assertController(state, metadata);
  if (s.mode !== 'single') throw illegalState(E.NOT_SINGLE_SESSION_MODE, 'Each customer has a session of their own in multi-session mode');
  if (placeOf(s, data.customerId) !== 'customer') {
    throw validationError(E.CUSTOMER_NOT_IN_SESSION, 'customerId', 'That customer is not in this session');
  }
  if (s.activeCustomerId === data.customerId) return [];
  const stamp = stampOf(metadata);
  return [
    // MC-3: switching customer ends every sharing activity under way.
    ...sharesEnded(s, 'customer_switched', stamp),
    { type: 'ActiveCustomerSelected', data: { customerId: data.customerId, previousCustomerId: s.activeCustomerId, ...stamp } },
  ];
}

// ============================================================ control (CTL) and hand-over (Q)

function transferControl({ data, metadata }: TransferControl, state: SessionState, context: SessionContext): readonly SessionEvent[] {
  const s = assertController(state, metadata);
  const target = placeOf(s, data.toUserId);
  // CTL-1, CTL-3: the receiver is a CSR in the session without control: a helper, or the observer who gave it.
  if (target !== 'helper' && target !== 'observer') {
    throw illegalState(E.TARGET_NOT_HELPER, 'Control passes only to a CSR who joined the session as helper');
  }
  const stamp = stampOf(metadata);
  return [
    // CTL-4, CTL-5
    ...supportActivitiesEnded(s, 'control_transferred', stamp, {
      keepVoice: data.receiverSupportsVoice === true,
      keepAutomaticRecording: true,
      recordingBytes: context.recordingBytes,
    }),
    { type: 'ControlTransferred', data: { from: metadata.userId, to: data.toUserId, ...stamp } },
  ];
}

function handToQueue({ data, metadata }: HandToQueue, state: SessionState, context: SessionContext): readonly SessionEvent[] {
  const s = assertController(state, metadata);
  assertWebacdAgent(context);
  const target = handOverTarget(data, metadata.userId);
  const message = data.message?.trim() || null;
  if (message !== null && graphemeLength(message) > HANDOVER_MESSAGE_MAX_LENGTH) {
    throw validationError(E.HANDOVER_MESSAGE_TOO_LONG, 'message', `The message may be at most ${HANDOVER_MESSAGE_MAX_LENGTH} characters`, {
      max: HANDOVER_MESSAGE_MAX_LENGTH,
    });
  }
  const requiredSkills = validRequiredSkills(data.requiredSkills, 'requiredSkills'); // RT-3
  const stamp = stampOf(metadata);
  return [
    // the giver's part ends, voice call included, and they leave.
    ...supportActivitiesEnded(s, 'handed_over', stamp, { keepVoice: false, keepAutomaticRecording: true, recordingBytes: context.recordingBytes }),
    { type: 'HandedToQueue', data: { target, message, ...(requiredSkills.length > 0 ? { requiredSkills } : {}), ...stamp } },
    { type: 'ParticipantLeft', data: { userId: metadata.userId, place: 'controller', reason: 'handed_over', ...stamp } },
  ];
}

function handOverTarget(data: HandToQueue['data'], giverId: string): HandOverTarget {
  const queueId = data.queueId?.trim();
  const agentIds = data.agentIds ?? [];
  if (queueId && agentIds.length === 0) return { kind: 'queue', queueId };
  if (!queueId && agentIds.length > 0) {
    const unique = [...new Set(agentIds)];
    if (unique.some((id) => !id || id === giverId)) {
      throw validationError(E.INVALID_HANDOVER_TARGET, 'agentIds', 'Name other agents to hand the session to');
    }
    return { kind: 'agents', agentIds: unique };
  }
  throw validationError(E.INVALID_HANDOVER_TARGET, queueId ? 'agentIds' : 'queueId', 'Hand over to exactly one queue, or to one or more agents');
}

function acceptHandOver({ metadata }: AcceptHandOver, state: SessionState, context: SessionContext): readonly SessionEvent[] {
  const s = assertLive(state);
  if (s.status !== 'queued') throw illegalState(E.SESSION_NOT_QUEUED, 'The session is not waiting for an agent');
  assertWebacdAgent(context);
  const queued: QueuedSession = s;
  const { target, message, by } = queued.handOver;
  if (target.kind === 'agents' && !target.agentIds.includes(metadata.userId)) {
    throw forbidden(E.HANDOVER_NOT_OFFERED, 'The session was offered to other agents');
  }
  assertCsrCapacity(context);
  return [{ type: 'HandOverAccepted', data: { agentId: metadata.userId, handedBy: by, message, target, ...stampOf(metadata) } }];
}

// ============================================================ sharing (SHR)

const SHARE_MODES: Readonly<Record<ShareKind, readonly ShareMode[]>> = {
  desktop: ['view', 'control', 'share_view', 'share_control'],
  application: ['view', 'control', 'share_view', 'share_control'],
  cobrowse: ['view', 'control'], // SHR-3: co-browsing is view or control
};

function requestShare({ data, metadata }: RequestShare, state: SessionState): readonly SessionEvent[] {
  const s = assertController(state, metadata);
  const modes = Object.hasOwn(SHARE_MODES, data.kind) ? SHARE_MODES[data.kind] : undefined;
  if (!modes?.includes(data.mode)) {
    throw validationError(E.INVALID_SHARE_MODE, 'mode', `${String(data.kind)} sharing offers ${modes?.join(', ') ?? 'nothing'}`);
  }
  if (data.kind === 'cobrowse') {
    if (!s.settings.coBrowsingAvailable) throw illegalState(E.COBROWSING_UNAVAILABLE, 'Co-browsing needs co-browsing and WebACD on');
    if (!s.originUrl) throw illegalState(E.COBROWSING_NEEDS_ORIGIN, 'Co-browsing starts on the page the customer asked from');
  }
  if (s.activeCustomerId === null) throw illegalState(E.NO_ACTIVE_CUSTOMER, 'There is no customer to share with');
  assertNewActivityId(s, data.shareId, 'shareId');
  if (s.activities.shares.some((sh) => sh.kind === data.kind)) {
    throw illegalState(E.SHARE_ALREADY_RUNNING, `A ${data.kind} share is already requested or running`);
  }
  const startUrl = data.kind === 'cobrowse' ? s.originUrl : null;
  return [
    {
      type: 'ShareRequested',
      data: { shareId: data.shareId, kind: data.kind, mode: data.mode, customerId: s.activeCustomerId, startUrl, ...stampOf(metadata) },
    },
  ];
}

function findShare(s: LiveSession, shareId: string): Share {
  const share = s.activities.shares.find((sh) => sh.shareId === shareId);
  if (!share) throw notFound(E.SHARE_NOT_FOUND, 'No such share is requested or running');
  return share;
}

/** SHR-1: only the customer asked answers a request, and only once. */
function pendingShareForCustomer(state: SessionState, shareId: string, metadata: CommandMetadata): Share {
  const s = assertActive(state);
  assertParticipant(s, metadata.userId);
  const share = findShare(s, shareId);
  if (share.customerId !== metadata.userId) throw forbidden(E.NOT_REQUEST_TARGET, 'Only the customer asked may answer');
  if (share.status !== 'requested') throw illegalState(E.SHARE_NOT_PENDING, 'The share was already approved');
  return share;
}

function approveShare({ data, metadata }: ApproveShare, state: SessionState): readonly SessionEvent[] {
  const share = pendingShareForCustomer(state, data.shareId, metadata);
  const applicationName = data.applicationName?.trim() || null;
  // SHR-2: approving an application share, the customer picks the application shown.
  if (share.kind === 'application' && applicationName === null) {
    throw validationError(E.APPLICATION_REQUIRED, 'applicationName', 'Choose the application to show');
  }
  return [{ type: 'ShareApproved', data: { shareId: share.shareId, applicationName: share.kind === 'application' ? applicationName : null, ...stampOf(metadata) } }];
}

function declineShare({ data, metadata }: DeclineShare, state: SessionState): readonly SessionEvent[] {
  const share = pendingShareForCustomer(state, data.shareId, metadata);
  return [{ type: 'ShareDeclined', data: { shareId: share.shareId, ...stampOf(metadata) } }];
}

/** Either side stops an activity: the controlling CSR or the customer it is with. */
function assertControllerOrCustomer(s: { controllerId: string }, metadata: CommandMetadata, customerId: string, what: string): void {
  if (metadata.userId !== s.controllerId && metadata.userId !== customerId) {
    throw forbidden(E.NOT_CONTROLLER, `Only the CSR holding control or the customer may stop this ${what}`);
  }
}

function endShare({ data, metadata }: EndShare, state: SessionState): readonly SessionEvent[] {
  const s = assertActive(state);
  assertParticipant(s, metadata.userId);
  const share = findShare(s, data.shareId);
  assertControllerOrCustomer(s, metadata, share.customerId, 'share');
  return [{ type: 'ShareEnded', data: { shareId: share.shareId, reason: 'stopped', ...stampOf(metadata) } }];
}

// ============================================================ console tools (TL)

function sendChatMessage({ data, metadata }: SendChatMessage, state: SessionState): readonly SessionEvent[] {
  const s = assertActive(state);
  assertParticipant(s, metadata.userId);
  const text = data.text ?? '';
  if (text.trim().length === 0) throw validationError(E.CHAT_MESSAGE_EMPTY, 'text', 'Write a message');
  if (graphemeLength(text) > CHAT_MESSAGE_MAX_LENGTH) {
    throw validationError(E.CHAT_MESSAGE_TOO_LONG, 'text', `A message may be at most ${CHAT_MESSAGE_MAX_LENGTH} characters`, {
      max: CHAT_MESSAGE_MAX_LENGTH,
    });
  }
  const to = data.to ?? null;
  if (to !== null && (to === metadata.userId || placeOf(s, to) === null)) {
    throw validationError(E.RECIPIENT_NOT_IN_SESSION, 'to', 'The recipient is not in this session');
  }
  return [{ type: 'ChatMessageSent', data: { messageId: data.messageId, text, to, ...stampOf(metadata) } }];
}

function publishFile({ data, metadata }: PublishFile, state: SessionState): readonly SessionEvent[] {
  assertController(state, metadata);
  const fileName = data.fileName?.trim();
  if (!data.fileId || !fileName) throw validationError(E.INVALID_FILE, 'fileName', 'A published file needs an id and a name');
  const size = data.sizeBytes;
  if (size !== undefined && (!Number.isSafeInteger(size) || size < 0)) throw validationError(E.INVALID_FILE, 'sizeBytes', 'Size is a whole number of bytes');
  const { sha256, contentType } = storedBytesOf(data);
  if (sha256 !== null && size === undefined) throw validationError(E.INVALID_FILE, 'sizeBytes', 'A stored file has a size');
  return [{ type: 'FilePublished', data: { fileId: data.fileId, fileName, sizeBytes: size ?? null, sha256, contentType, ...stampOf(metadata) } }];
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

function storedBytesOf(data: { readonly sha256?: string; readonly contentType?: string }): { sha256: string | null; contentType: string | null } {
  if (data.sha256 === undefined) return { sha256: null, contentType: null };
  if (!SHA256_HEX.test(data.sha256)) throw validationError(E.INVALID_FILE, 'sha256', 'A digest is 64 lower-case hex digits (SHA-256)');
  return { sha256: data.sha256, contentType: data.contentType || 'application/octet-stream' };
}

/** TL-4: once the customer approved, files move both ways: the customer to the CSRs, the controller to the customer. */
function sendFile({ data, metadata }: SendFile, state: SessionState): readonly SessionEvent[] {
  const s = assertActive(state);
  assertParticipant(s, metadata.userId);
  const transfer = findFileTransfer(s, data.transferId);
  let direction: 'to_csrs' | 'to_customer';
  if (metadata.userId === transfer.customerId) direction = 'to_csrs';
  else if (metadata.userId === s.controllerId) direction = 'to_customer';
  else throw forbidden(E.NOT_TRANSFER_PARTY, "Only the transfer's customer and the controlling CSR send files in it");
  if (transfer.status !== 'approved') throw illegalState(E.FILE_TRANSFER_NOT_APPROVED, 'Files move only after the customer approved the transfer');
  const fileName = data.fileName?.trim();
  if (!data.fileId || !fileName) throw validationError(E.INVALID_FILE, 'fileName', 'A file needs an id and a name');
  if (!Number.isSafeInteger(data.sizeBytes) || data.sizeBytes < 0) throw validationError(E.INVALID_FILE, 'sizeBytes', 'Size is a whole number of bytes');
  const { sha256, contentType } = storedBytesOf(data);
  if (sha256 === null || contentType === null) throw validationError(E.INVALID_FILE, 'sha256', 'A sent file carries its digest');
  return [
    {
      type: 'FileSent',
      data: {
        fileId: data.fileId,
        transferId: transfer.transferId,
        fileName,
        direction,
        customerId: transfer.customerId,
        sizeBytes: data.sizeBytes,
        sha256,
        contentType,
        ...stampOf(metadata),
      },
    },
  ];
}

/**
 * ADM-1 retention: only the system deletes stored bytes, once they are older than the site
 * keeps them. Already deleted: nothing to decide (a job that ran twice stores it once).
 */
function expireStoredContent({ data, metadata }: ExpireStoredContent, state: SessionState, context: SessionContext): readonly SessionEvent[] {
  if (!metadata.roles.includes('system')) throw forbidden(E.SYSTEM_ONLY, 'Only the system deletes stored content');
  if (state.status === 'none') throw notFound(E.SESSION_NOT_FOUND, 'There is no such session');
  const recording = data.kind === 'recording';
  const item = (recording ? state.stored.recordings : state.stored.files).find((i) => i.id === data.id);
  if (!item) throw notFound(E.STORED_CONTENT_NOT_FOUND, `No stored ${data.kind} has this id`);
  if (item.deleted) return [];
  const retentionDays = recording ? context.retention?.recordingDays : context.retention?.fileDays;
  if (retentionDays === undefined || metadata.now.getTime() - Date.parse(item.storedAt) < retentionDays * DAY_MS) {
    throw illegalState(E.RETENTION_NOT_REACHED, `The ${data.kind} is kept ${retentionDays ?? '?'} days`, { retentionDays });
  }
  const stamp = stampOf(metadata);
  return recording
    ? [{ type: 'RecordingDeleted', data: { recordingId: item.id, retentionDays, ...stamp } }]
    : [{ type: 'FileExpired', data: { fileId: item.id, retentionDays, ...stamp } }];
}

const DAY_MS = 86_400_000;

/** The longest mail-server answer kept in InvitationUndelivered, in UTF-16 code units. */
export const UNDELIVERED_REASON_MAX = 500;

/**
 * INV-1: a system-sent email invitation that the mail server refused for good. Only the system
 * records it, once per invitation, while the session is live (after its end nobody can join).
 */
function recordUndeliveredInvitation({ data, metadata }: RecordUndeliveredInvitation, state: SessionState): readonly SessionEvent[] {
  if (!metadata.roles.includes('system')) throw forbidden(E.SYSTEM_ONLY, 'Only the system records an undelivered invitation');
  if (state.status === 'none') throw notFound(E.SESSION_NOT_FOUND, 'There is no such session');
  if (state.status === 'ended') throw illegalState(E.SESSION_ENDED, 'The session has ended');
  const invitation = (state.mailedInvitations ?? []).find((i) => i.invitationId === data.invitationId);
  if (!invitation) throw notFound(E.INVITATION_NOT_FOUND, 'No invitation mailed by the system has this id');
  if (invitation.undelivered) return [];
  const reason = storableReason(data.reason);
  return [{ type: 'InvitationUndelivered', data: { invitationId: invitation.invitationId, address: invitation.address, reason, ...stampOf(metadata) } }];
}

/** A mail server's answer made fit to store: one line, no unstorable text, at most UNDELIVERED_REASON_MAX units. */
function storableReason(reason: string): string {
  const line = reason
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/ {2,}/g, ' ')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .trim();
  const cut = line.length > UNDELIVERED_REASON_MAX ? line.slice(0, UNDELIVERED_REASON_MAX) : line;
  // A cut between the halves of a surrogate pair leaves a lone high surrogate.
  const clean = /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
  return clean || 'refused by the mail server';
}

function requestFileTransfer({ data, metadata }: RequestFileTransfer, state: SessionState): readonly SessionEvent[] {
  const s = assertController(state, metadata);
  if (s.activeCustomerId === null) throw illegalState(E.NO_ACTIVE_CUSTOMER, 'There is no customer to transfer files with');
  assertNewActivityId(s, data.transferId, 'transferId');
  return [{ type: 'FileTransferRequested', data: { transferId: data.transferId, customerId: s.activeCustomerId, ...stampOf(metadata) } }];
}

function findFileTransfer(s: LiveSession, transferId: string) {
  const transfer = s.activities.fileTransfers.find((t) => t.transferId === transferId);
  if (!transfer) throw notFound(E.FILE_TRANSFER_NOT_FOUND, 'No such file transfer is under way');
  return transfer;
}

/** TL-4: advanced file transfer waits for the customer's approval. */
function answerFileTransfer(
  { data, metadata }: ApproveFileTransfer | DeclineFileTransfer,
  state: SessionState,
  answer: 'FileTransferApproved' | 'FileTransferDeclined',
): readonly SessionEvent[] {
  const s = assertActive(state);
  assertParticipant(s, metadata.userId);
  const transfer = findFileTransfer(s, data.transferId);
  if (transfer.customerId !== metadata.userId) throw forbidden(E.NOT_REQUEST_TARGET, 'Only the customer asked may answer');
  if (transfer.status !== 'requested') throw illegalState(E.FILE_TRANSFER_NOT_PENDING, 'The file transfer was already approved');
  return [{ type: answer, data: { transferId: transfer.transferId, ...stampOf(metadata) } }];
}

function endFileTransfer({ data, metadata }: EndFileTransfer, state: SessionState): readonly SessionEvent[] {
  const s = assertActive(state);
  assertParticipant(s, metadata.userId);
  const transfer = findFileTransfer(s, data.transferId);
  assertControllerOrCustomer(s, metadata, transfer.customerId, 'transfer');
  return [{ type: 'FileTransferEnded', data: { transferId: transfer.transferId, reason: 'stopped', ...stampOf(metadata) } }];
}

function startVideo({ data, metadata }: StartVideo, state: SessionState): readonly SessionEvent[] {
  const s = assertController(state, metadata);
  if (data.cameraAvailable !== true) throw illegalState(E.NO_CAMERA, 'Live video needs a camera');
  if (s.activities.video) throw illegalState(E.VIDEO_ALREADY_RUNNING, 'Video is already on');
  return [{ type: 'VideoStarted', data: { videoId: data.videoId, ...stampOf(metadata) } }];
}

function endVideo({ metadata }: EndVideo, state: SessionState): readonly SessionEvent[] {
  const s = assertController(state, metadata);
  const video = s.activities.video;
  if (!video) throw illegalState(E.VIDEO_NOT_RUNNING, 'No video is on');
  return [{ type: 'VideoEnded', data: { videoId: video.videoId, reason: 'stopped', ...stampOf(metadata) } }];
}

function startVoiceCall({ data, metadata }: StartVoiceCall, state: SessionState): readonly SessionEvent[] {
  const s = assertController(state, metadata);
  if (data.withUserId === metadata.userId || placeOf(s, data.withUserId) === null) {
    throw validationError(E.RECIPIENT_NOT_IN_SESSION, 'withUserId', 'Call someone who is in the session');
  }
  if (s.activities.voiceCall) throw illegalState(E.VOICE_CALL_ALREADY_RUNNING, 'A voice call is already on');
  return [{ type: 'VoiceCallStarted', data: { callId: data.callId, withUserId: data.withUserId, ...stampOf(metadata) } }];
}

/** Either end of the call hangs up: the CSR it belongs to or the person called. */
function endVoiceCall({ metadata }: EndVoiceCall, state: SessionState): readonly SessionEvent[] {
  const s = assertActive(state);
  assertParticipant(s, metadata.userId);
  const call = s.activities.voiceCall;
  if (!call) throw illegalState(E.VOICE_CALL_NOT_RUNNING, 'No voice call is on');
  if (metadata.userId !== call.hostId && metadata.userId !== call.withUserId) {
    throw forbidden(E.NOT_CONTROLLER, 'Only the people on the call may end it');
  }
  return [{ type: 'VoiceCallEnded', data: { callId: call.callId, reason: 'stopped', ...stampOf(metadata) } }];
}

function saveNote({ data, metadata }: SaveNote, state: SessionState): readonly SessionEvent[] {
  const s = assertActive(state);
  // TL-6: any CSR of the session, in control or not, writes notes; customers do not.
  if (!isCsrPlace(assertParticipant(s, metadata.userId))) throw forbidden(E.NOT_A_CSR_OF_SESSION, 'Only a CSR of the session writes notes');
  const text = data.text ?? '';
  if (text.trim().length === 0 || graphemeLength(text) > NOTE_MAX_LENGTH) {
    throw validationError(E.INVALID_NOTE, 'text', `A note has 1 to ${NOTE_MAX_LENGTH} characters`, { max: NOTE_MAX_LENGTH });
  }
  return [{ type: 'NoteSaved', data: { noteId: data.noteId, text, ...stampOf(metadata) } }];
}

// ============================================================ recording (REC), options (OPT)

function startRecording({ data, metadata }: StartRecording, state: SessionState): readonly SessionEvent[] {
  const s = assertController(state, metadata);
  // REC-2: with auto-record the site records the session itself; the command is not offered.
  if (s.settings.autoRecord) throw illegalState(E.RECORDING_AUTOMATIC, 'This session is recorded automatically');
  if (s.activities.recording) throw illegalState(E.RECORDING_ALREADY_RUNNING, 'The session is already being recorded');
  return [{ type: 'RecordingStarted', data: { recordingId: data.recordingId, automatic: false, ...stampOf(metadata) } }];
}

function stopRecording({ metadata }: StopRecording, state: SessionState, context: SessionContext): readonly SessionEvent[] {
  const s = assertController(state, metadata);
  const recording = s.activities.recording;
  if (!recording) throw illegalState(E.RECORDING_NOT_RUNNING, 'The session is not being recorded');
  if (recording.automatic) throw illegalState(E.RECORDING_AUTOMATIC, 'An automatic recording runs until the session ends');
  return [recordingStopped(recording, 'stopped', stampOf(metadata), context.recordingBytes)];
}

function changeDisplayMode({ data, metadata }: ChangeDisplayMode, state: SessionState): readonly SessionEvent[] {
  const s = assertController(state, metadata);
  if (data.mode !== 'standard' && data.mode !== 'screen_sampling') {
    throw validationError(E.INVALID_DISPLAY_MODE, 'mode', 'Display mode is standard or screen_sampling');
  }
  if (s.displayMode === data.mode) return [];
  return [{ type: 'DisplayModeChanged', data: { mode: data.mode, ...stampOf(metadata) } }];
}
