/**
 * Commands on one session. Ids of new things (session, invitation, share, message...) come in
 * the data; who acts and when come in the metadata. The API validates shapes; the decider
 * checks them again where a rule depends on them.
 */
import type { Command } from '../shared/decider.js';
import type { RequiredSkill } from '../shared/skills.js';
import type { EffectiveSettings } from '../settings/settings.state.js';
import type { DisplayMode, EmailDelivery, InvitationChannel, SessionEndReason, SessionKind, ShareKind, ShareMode } from './session.events.js';

/** One invitation to send (INV-1, INV-2). A CSR is invited by email only. */
export interface InvitationRequest {
  readonly invitationId: string;
  readonly invitee: 'customer' | 'csr';
  readonly channel: InvitationChannel;
  /** Email address (required for email), phone number or instant-message handle. */
  readonly address?: string;
  /** Email only; defaults to 'system'. */
  readonly delivery?: EmailDelivery;
}

/**
 * Start a session (SES-1..4). `number` is the one the application allocated. Inbound sessions
 * carry the customer already in and the page they came from.
 */
export type StartSession = Command<
  'StartSession',
  {
    readonly sessionId: string;
    readonly number: string;
    readonly kind: SessionKind;
    readonly customer?: { readonly customerId: string; readonly displayName?: string };
    readonly originUrl?: string;
    /** Invitations sent at once ("E-mail" box ticked, SES-4). */
    readonly invitations?: readonly InvitationRequest[];
    /** Id of the automatic recording (REC-2); defaults to `${sessionId}:recording`. */
    readonly recordingId?: string;
  }
>;

export type InviteParticipants = Command<'InviteParticipants', { readonly invitations: readonly InvitationRequest[] }>;

/** Join with the number typed or carried by the link (INV-4, AST-1). */
export type JoinSession = Command<'JoinSession', { readonly number: string; readonly as: 'customer' | 'helper'; readonly displayName?: string }>;

export type LeaveSession = Command<'LeaveSession', Record<string, never>>;

export type SelectActiveCustomer = Command<'SelectActiveCustomer', { readonly customerId: string }>;

/** Pass control to a helper (CTL-1). `receiverSupportsVoice`: the receiver's system takes voice (CTL-5). */
export type TransferControl = Command<'TransferControl', { readonly toUserId: string; readonly receiverSupportsVoice: boolean }>;

/** Hand the session to one queue or to agents (Q-1..Q-4). Exactly one of `queueId` and `agentIds`. */
export type HandToQueue = Command<
  'HandToQueue',
  {
    readonly queueId?: string;
    readonly agentIds?: readonly string[];
    readonly message?: string;
    /** Skills the taker needs (RT-3); the queue offers the session only to agents holding them. */
    readonly requiredSkills?: readonly RequiredSkill[];
  }
>;

/** The acting agent takes the queued session. The application has checked the queue's offer. */
export type AcceptHandOver = Command<'AcceptHandOver', Record<string, never>>;

export type RequestShare = Command<'RequestShare', { readonly shareId: string; readonly kind: ShareKind; readonly mode: ShareMode }>;
/** `applicationName`: the application the customer chose to show (SHR-2, application shares only). */
export type ApproveShare = Command<'ApproveShare', { readonly shareId: string; readonly applicationName?: string }>;
export type DeclineShare = Command<'DeclineShare', { readonly shareId: string }>;
export type EndShare = Command<'EndShare', { readonly shareId: string }>;

/** `to`: a participant's user id, or absent for everyone in the session (TL-1). */
export type SendChatMessage = Command<'SendChatMessage', { readonly messageId: string; readonly text: string; readonly to?: string }>;

/** TL-3. `sha256`/`contentType`: what the upload stored (the application fills them, never a client). */
export type PublishFile = Command<
  'PublishFile',
  { readonly fileId: string; readonly fileName: string; readonly sizeBytes?: number; readonly sha256?: string; readonly contentType?: string }
>;
/** TL-4: a file uploaded within an approved transfer; the application fills the stored bytes' facts. */
export type SendFile = Command<
  'SendFile',
  { readonly fileId: string; readonly transferId: string; readonly fileName: string; readonly sizeBytes: number; readonly sha256: string; readonly contentType: string }
>;
/** Retention (ADM-1): the system deletes a stored recording's or file's bytes once they are older than the site keeps them. */
/**
 * INV-1: the mail server finally refused a system-sent email invitation (every retry spent, or a
 * permanent 5xx answer). Only the system records it; `reason` is the server's answer.
 */
export type RecordUndeliveredInvitation = Command<'RecordUndeliveredInvitation', { readonly invitationId: string; readonly reason: string }>;
export type ExpireStoredContent = Command<'ExpireStoredContent', { readonly kind: 'recording' | 'file'; readonly id: string }>;
export type RequestFileTransfer = Command<'RequestFileTransfer', { readonly transferId: string }>;
export type ApproveFileTransfer = Command<'ApproveFileTransfer', { readonly transferId: string }>;
export type DeclineFileTransfer = Command<'DeclineFileTransfer', { readonly transferId: string }>;
export type EndFileTransfer = Command<'EndFileTransfer', { readonly transferId: string }>;

/** `cameraAvailable`: the console found a camera (TL-2). */
export type StartVideo = Command<'StartVideo', { readonly videoId: string; readonly cameraAvailable: boolean }>;
export type EndVideo = Command<'EndVideo', Record<string, never>>;

export type StartVoiceCall = Command<'StartVoiceCall', { readonly callId: string; readonly withUserId: string }>;
export type EndVoiceCall = Command<'EndVoiceCall', Record<string, never>>;

export type SaveNote = Command<'SaveNote', { readonly noteId: string; readonly text: string }>;

export type StartRecording = Command<'StartRecording', { readonly recordingId: string }>;
export type StopRecording = Command<'StopRecording', Record<string, never>>;

export type ChangeDisplayMode = Command<'ChangeDisplayMode', { readonly mode: DisplayMode }>;

/** End the session: the controlling CSR ('ended_by_csr', SES-6) or the system when the console is gone ('console_lost', SES-5). */
export type EndSession = Command<'EndSession', { readonly reason: SessionEndReason }>;

export type SessionCommand =
  | StartSession
  | InviteParticipants
  | JoinSession
  | LeaveSession
  | SelectActiveCustomer
  | TransferControl
  | HandToQueue
  | AcceptHandOver
  | RequestShare
  | ApproveShare
  | DeclineShare
  | EndShare
  | SendChatMessage
  | PublishFile
  | SendFile
  | ExpireStoredContent
  | RecordUndeliveredInvitation
  | RequestFileTransfer
  | ApproveFileTransfer
  | DeclineFileTransfer
  | EndFileTransfer
  | StartVideo
  | EndVideo
  | StartVoiceCall
  | EndVoiceCall
  | SaveNote
  | StartRecording
  | StopRecording
  | ChangeDisplayMode
  | EndSession;

export type SessionCommandType = SessionCommand['type'];

/**
 * What the application resolves before deciding: plain data, no callbacks.
 * Settings are the acting user's effective ones (settings aggregate, `effectiveSettings`);
 * a session reads them at StartSession and AcceptHandOver and otherwise keeps what it started with.
 */
export interface SessionContext {
  readonly settings: EffectiveSettings;
  /** Live sessions the acting CSR runs now, not counting this one (from a read model; SES-3). */
  readonly actorLiveSessions: number;
  /** The support site's address; join links are built on it (SES-1, INV-3). */
  readonly siteUrl: string;
  /**
   * What the running recording stored so far, resolved only when this command stops it
   * (REC-1, CTL-4, session end): RecordingStopped carries it. Absent or null: no byte arrived.
   */
  readonly recordingBytes?: { readonly recordingId: string; readonly sizeBytes: number; readonly sha256: string } | null;
  /** Retention in days (ADM-1), for ExpireStoredContent. */
  readonly retention?: { readonly recordingDays: number; readonly fileDays: number };
}
