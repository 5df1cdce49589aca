import { type LiveSession, participantIds, placeOf, type SessionState } from '../../domain/session/index.js';

/**
 * What the signalling gateway may relay, and which peer connections must close when the session
 * changes. Pure functions over the folded session state (no I/O): the gateway asks them, the
 * session decider stays the only place where the business facts are decided.
 */

export const SHARE_MEDIA = ['desktop', 'application', 'cobrowse'] as const;
export const MEDIA = [...SHARE_MEDIA, 'video', 'voice'] as const;
export type Media = (typeof MEDIA)[number];
export type ShareMedia = (typeof SHARE_MEDIA)[number];

export type CloseReason = 'share_ended' | 'control_moved' | 'customer_switched' | 'session_ended' | 'video_ended' | 'voice_ended';

/** A peer connection that must be torn down, and the users at both of its ends. */
export interface CloseMedia {
  readonly media: Media;
  readonly shareId?: string;
  readonly reason: CloseReason;
  readonly parties: readonly string[];
}

export type RelayDecision = { readonly ok: true; readonly to: readonly string[] } | { readonly ok: false; readonly code: string; readonly message: string };

const isLive = (s: SessionState): s is LiveSession => s.status === 'active' || s.status === 'queued';
const refuse = (code: string, message: string): RelayDecision => ({ ok: false, code, message });

/**
 * SHR-4 / TL-2 / TL-5 / MC-2: may `from` send this media to `to` ('*' = every other party the
 * media allows)? On success, the user ids the frame goes to.
 */
export function relayTargets(state: SessionState, from: string, to: string, media: Media, shareId: string | undefined): RelayDecision {
  if (state.status === 'ended') return refuse('SESSION_ENDED', 'the session has ended');
  if (!isLive(state) || placeOf(state, from) === null) return refuse('SESSION_NOT_FOUND', 'not a participant of this session');
  if (to !== '*' && (to === from || placeOf(state, to) === null)) return refuse('PEER_NOT_IN_SESSION', `${to} is not another participant of this session`);
  const pair = (a: string, b: string): RelayDecision => {
    const other = from === a ? b : from === b ? a : null;
    if (other === null || (to !== '*' && to !== other)) return refuse(media === 'voice' ? 'VOICE_NOT_RUNNING' : 'SHARE_NOT_APPROVED', `${media} goes only between ${a} and ${b}`);
    return { ok: true, to: [other] };
  };
  switch (media) {
    case 'desktop':
    case 'application':
    case 'cobrowse': {
      // Nothing is shown before approval, nor after a decline or an end (SHR-4).
      const share = state.activities.shares.find((sh) => sh.shareId === shareId && sh.kind === media && sh.status === 'approved');
      if (!share || state.status !== 'active') return refuse('SHARE_NOT_APPROVED', `no approved ${media} share ${shareId ?? '(none named)'} in this session`);
      const decision = pair(share.customerId, state.controllerId);
      return decision.ok ? decision : refuse('SHARE_NOT_APPROVED', `share ${share.shareId} runs between its customer and the controlling CSR only`);
    }
    case 'video': {
      if (!state.activities.video) return refuse('VIDEO_NOT_RUNNING', 'no video is running in this session (TL-2)');
      return { ok: true, to: to === '*' ? participantIds(state).filter((id) => id !== from) : [to] };
    }
    case 'voice': {
      const call = state.activities.voiceCall;
      if (!call) return refuse('VOICE_NOT_RUNNING', 'no voice call is running in this session (TL-5)');
      return pair(call.hostId, call.withUserId);
    }
    default:
      return media satisfies never;
  }
}

/**
 * Whether a change may alter what `relayTargets` allows: who takes part and where, the session's
 * status, control, the active customer, shares, video and voice (granted or withdrawn). False for
 * chat, notes, files and the like, whose commands then answer without asking other nodes
 * (ConsentPeers). Compares references: the fold keeps an unchanged part's object, and a part
 * rebuilt without change only costs a needless confirmation.
 */
export function consentMayChange(before: SessionState, after: SessionState): boolean {
  if (before === after) return false;
  if (before.status !== after.status) return true;
  if (!isLive(before) || !isLive(after)) return false;
  if (before.csrs !== after.csrs || before.customers !== after.customers || before.activeCustomerId !== after.activeCustomerId) return true;
  if (before.status === 'active' && after.status === 'active' && before.controllerId !== after.controllerId) return true;
  const a = before.activities;
  const b = after.activities;
  return a !== b && (a.shares !== b.shares || a.video !== b.video || a.voiceCall !== b.voiceCall);
}

/**
 * The peer connections that `before` allowed and `after` no longer does (SHR-4, CTL-4, MC-3,
 * TL-2, TL-5, session end), with the reason that explains it best.
 */
export function mediaToClose(before: SessionState, after: SessionState): CloseMedia[] {
  if (!isLive(before)) return [];
  const ended = after.status === 'ended';
  const liveAfter = isLive(after) ? after : null;
  const controllerBefore = before.status === 'active' ? before.controllerId : null;
  const controllerAfter = liveAfter?.status === 'active' ? liveAfter.controllerId : null;
  const controlMoved = !ended && controllerBefore !== controllerAfter;
  const customerSwitched = !ended && liveAfter !== null && before.activeCustomerId !== liveAfter.activeCustomerId;
  const why = (own: CloseReason): CloseReason => (ended ? 'session_ended' : controlMoved ? 'control_moved' : customerSwitched ? 'customer_switched' : own);
  const closes: CloseMedia[] = [];

  for (const share of before.activities.shares) {
    if (share.status !== 'approved' || controllerBefore === null) continue;
    const still = liveAfter?.activities.shares.find((sh) => sh.shareId === share.shareId && sh.status === 'approved');
    if (still && !controlMoved) continue;
    closes.push({ media: share.kind, shareId: share.shareId, reason: why('share_ended'), parties: [controllerBefore, share.customerId] });
  }
  const video = before.activities.video;
  if (video && liveAfter?.activities.video?.videoId !== video.videoId) {
    closes.push({ media: 'video', reason: why('video_ended'), parties: participantIds(before) });
  }
  const call = before.activities.voiceCall;
  if (call) {
    const next = liveAfter?.activities.voiceCall;
    // CTL-5: a call that goes on follows control, so the old host's peer connection still closes.
    if (!next || next.callId !== call.callId || next.hostId !== call.hostId || next.withUserId !== call.withUserId) {
      closes.push({ media: 'voice', reason: next?.callId === call.callId ? 'control_moved' : why('voice_ended'), parties: [call.hostId, call.withUserId] });
    }
  }
  return closes;
}

/** The participants of a live session and their places, as the `joined` frame lists them. */
export function participantsOf(state: SessionState): { userId: string; place: string }[] {
  if (!isLive(state)) return [];
  return participantIds(state).map((userId) => ({ userId, place: placeOf(state, userId)! }));
}

export function participates(state: SessionState, userId: string): boolean {
  return isLive(state) && placeOf(state, userId) !== null;
}
