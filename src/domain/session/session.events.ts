/**
 * Events of one remote-support session stream. They are a stored contract: never rename a
 * `type` or change a field's meaning; evolve through a new version and an upcaster.
 * Every event says who caused it (`by`, a user id, or 'system') and when (`at`, ISO-8601,
 * taken from the command's metadata), so a replay (RPT-2) needs nothing else.
 */
import type { Event } from '../shared/decider.js';
import type { RequiredSkill } from '../shared/skills.js';

export type SessionKind = 'outbound' | 'inbound';
export type SessionMode = 'single' | 'multi';
/** Where a CSR stands in a session: holding control, assisting, or watching after passing control (CTL-2). */
export type CsrPlace = 'controller' | 'helper' | 'observer';
export type Place = CsrPlace | 'customer';
export type ShareKind = 'desktop' | 'application' | 'cobrowse';
/** view: CSR sees the customer's; control: CSR drives it; share_*: the customer sees / drives the CSR's (SHR-1). */
export type ShareMode = 'view' | 'control' | 'share_view' | 'share_control';
export type DisplayMode = 'standard' | 'screen_sampling';
export type InvitationChannel = 'email' | 'phone' | 'instant_message';
export type EmailDelivery = 'system' | 'own_mail_program';
export type SessionEndReason = 'ended_by_csr' | 'console_lost';
/** Why an activity (share, transfer, chat, video, call, recording) ended. */
export type ActivityEndReason = 'stopped' | 'control_transferred' | 'handed_over' | 'customer_switched' | 'participant_left' | 'session_ended';
export type HandOverTarget = { readonly kind: 'queue'; readonly queueId: string } | { readonly kind: 'agents'; readonly agentIds: readonly string[] };

/** What the session keeps of the site settings in force when it started (ADM-1). */
export interface StartedWithSettings {
  /** Customers per session in single-session mode; 1 in multi-session mode (SES-3). */
  readonly maxCustomers: number;
  readonly autoRecord: boolean;
  /** Co-browsing and WebACD were both on (SHR-3). */
  readonly coBrowsingAvailable: boolean;
}

interface Stamp {
  /** The user who caused the event, or 'system'. */
  readonly by: string;
  /** ISO-8601 instant, from the command's metadata. */
  readonly at: string;
}

/** A CSR started the session and holds control as its primary CSR (SES-1, SES-2, SES-3). */
export type SessionStarted = Event<
  'SessionStarted',
  Stamp & {
    readonly sessionId: string;
    /** Nine digits, no separators. */
    readonly number: string;
    readonly kind: SessionKind;
    readonly mode: SessionMode;
    readonly joinLink: string;
    /** The support site's address, read out with the number in a phone invitation (INV-1). */
    readonly siteUrl: string;
    /** Inbound only: the page the customer asked for help from; co-browsing starts there (SHR-3). */
    readonly originUrl: string | null;
    readonly settings: StartedWithSettings;
  }
>;

/**
 * An invitation went out (INV-1..3). Every one carries the join link. A phone invitation carries
 * the number and site address to read out; an email composed in the CSR's own mail program
 * carries the subject, body and `mailto:` link handed back to the console (INV-2).
 */
export type InvitationSent = Event<
  'InvitationSent',
  Stamp & {
    readonly invitationId: string;
    readonly invitee: 'customer' | 'csr';
    readonly channel: InvitationChannel;
    /** Email address, phone number or instant-message handle, when given. */
    readonly address: string | null;
    /** Email only. */
    readonly delivery: EmailDelivery | null;
    readonly joinLink: string;
    /** Formatted for reading aloud: "123 456 789". */
    readonly sessionNumber: string;
    readonly siteUrl: string;
    readonly mail: { readonly subject: string; readonly body: string; readonly mailto: string } | null;
  }
>;

/** A customer joined (by link or by typing the number, INV-4). The first one in becomes the active customer (MC-1). */
export type CustomerJoined = Event<'CustomerJoined', Stamp & { readonly customerId: string; readonly displayName: string | null }>;

/** Another CSR joined as helper with the session number; a helper has no control (AST-1, AST-2). */
export type HelperJoined = Event<'HelperJoined', Stamp & { readonly helperId: string; readonly displayName: string | null }>;

/** A participant left: by choice, or the giver of a hand-over automatically. */
export type ParticipantLeft = Event<'ParticipantLeft', Stamp & { readonly userId: string; readonly place: Place; readonly reason: 'left' | 'handed_over' }>;

/** The controlling CSR now assists this customer (MC-1); sharing with the previous one has ended (MC-3). */
export type ActiveCustomerSelected = Event<'ActiveCustomerSelected', Stamp & { readonly customerId: string; readonly previousCustomerId: string | null }>;

/** Control passed from one CSR to another, who becomes primary; the giver stays as observer (CTL-2). */
export type ControlTransferred = Event<'ControlTransferred', Stamp & { readonly from: string; readonly to: string }>;

/** The controlling WebACD agent handed the session to one queue or to named agents (Q-1..Q-4). It now waits. */
export type HandedToQueue = Event<
  'HandedToQueue',
  Stamp & {
    readonly target: HandOverTarget;
    readonly message: string | null;
    /** Skills the taker needs (RT-3); absent when none were asked for (and on older events). */
    readonly requiredSkills?: readonly RequiredSkill[];
  }
>;

/** An agent took the queued session and now controls it; the giver's message is delivered with it. */
export type HandOverAccepted = Event<
  'HandOverAccepted',
  Stamp & { readonly agentId: string; readonly handedBy: string; readonly message: string | null; readonly target: HandOverTarget }
>;

/** The controlling CSR asked the active customer for a share; nothing is shown before approval (SHR-1..4). */
export type ShareRequested = Event<
  'ShareRequested',
  Stamp & {
    readonly shareId: string;
    readonly kind: ShareKind;
    readonly mode: ShareMode;
    readonly customerId: string;
    /** Co-browsing: the page it starts on (SHR-3). */
    readonly startUrl: string | null;
  }
>;

/** The customer approved the share; media may flow to every participant now (SHR-4, MC-2). */
export type ShareApproved = Event<'ShareApproved', Stamp & { readonly shareId: string; readonly applicationName: string | null }>;

/** The customer declined the share; it carries no media (SHR-4). */
export type ShareDeclined = Event<'ShareDeclined', Stamp & { readonly shareId: string }>;

/** A requested or running share ended, by hand or as a consequence (CTL-4, MC-3, Q-4). */
export type ShareEnded = Event<'ShareEnded', Stamp & { readonly shareId: string; readonly reason: ActivityEndReason }>;

/** A chat message went to everyone in the session (`to` null) or to one participant (TL-1). Opens the chat. */
export type ChatMessageSent = Event<'ChatMessageSent', Stamp & { readonly messageId: string; readonly text: string; readonly to: string | null }>;

/** The chat was closed as a consequence, e.g. control moved (CTL-4). */
export type ChatClosed = Event<'ChatClosed', Stamp & { readonly reason: ActivityEndReason }>;

/** What Tandem stored of a file or recording: its bytes' count, SHA-256 and sniffed type. */
export interface StoredBytes {
  /** Bytes stored. */
  readonly sizeBytes: number;
  /** SHA-256 of the stored bytes, lower-case hex (64 characters). */
  readonly sha256: string;
  /** Media type sniffed from the bytes (file-type), `application/octet-stream` when unknown. */
  readonly contentType: string;
}

/**
 * A file was published in the window every customer downloads from (TL-3).
 * Schema v2 added `sha256` and `contentType` (the bytes are stored; v1 events, and a publish
 * without an upload, carry null: no bytes reached Tandem).
 */
export type FilePublished = Event<
  'FilePublished',
  Stamp & {
    readonly fileId: string;
    readonly fileName: string;
    readonly sizeBytes: number | null;
    readonly sha256: string | null;
    readonly contentType: string | null;
  }
>;

/**
 * A file moved in an approved advanced transfer (TL-4): from the customer to the CSRs
 * (`to_csrs`) or from the controlling CSR to the transfer's customer (`to_customer`).
 */
export type FileSent = Event<
  'FileSent',
  Stamp &
    StoredBytes & {
      readonly fileId: string;
      readonly transferId: string;
      readonly fileName: string;
      readonly direction: 'to_csrs' | 'to_customer';
      /** The transfer's customer (sender or receiver). */
      readonly customerId: string;
    }
>;

/** A stored file's bytes were deleted because the site keeps files only so long (ADM-1 retention). */
/**
 * A system-sent email invitation could not be delivered (INV-1): the mail server refused it for
 * good. The CSR sees it in the session's history, its subscription and the console, and can
 * invite again by another address or channel. `reason`: the server's answer, at most 500 UTF-16 units.
 */
export type InvitationUndelivered = Event<'InvitationUndelivered', Stamp & { readonly invitationId: string; readonly address: string; readonly reason: string }>;

export type FileExpired = Event<'FileExpired', Stamp & { readonly fileId: string; readonly retentionDays: number }>;

/** A stored recording's bytes were deleted because the site keeps recordings only so long (ADM-1 retention). */
export type RecordingDeleted = Event<'RecordingDeleted', Stamp & { readonly recordingId: string; readonly retentionDays: number }>;

/** The controlling CSR asked to browse the customer's folders and move files (TL-4). */
export type FileTransferRequested = Event<'FileTransferRequested', Stamp & { readonly transferId: string; readonly customerId: string }>;

/** The customer approved the advanced file transfer (TL-4). */
export type FileTransferApproved = Event<'FileTransferApproved', Stamp & { readonly transferId: string }>;

/** The customer declined the advanced file transfer (TL-4). */
export type FileTransferDeclined = Event<'FileTransferDeclined', Stamp & { readonly transferId: string }>;

/** An advanced file transfer ended, by hand or as a consequence (CTL-4). */
export type FileTransferEnded = Event<'FileTransferEnded', Stamp & { readonly transferId: string; readonly reason: ActivityEndReason }>;

/** Live video to all participants started (TL-2). */
export type VideoStarted = Event<'VideoStarted', Stamp & { readonly videoId: string }>;

/** Live video ended (TL-2, CTL-4). */
export type VideoEnded = Event<'VideoEnded', Stamp & { readonly videoId: string; readonly reason: ActivityEndReason }>;

/** A VoIP call with one participant started (TL-5). */
export type VoiceCallStarted = Event<'VoiceCallStarted', Stamp & { readonly callId: string; readonly withUserId: string }>;

/** The voice call ended (TL-5, CTL-5, Q-4). */
export type VoiceCallEnded = Event<'VoiceCallEnded', Stamp & { readonly callId: string; readonly reason: ActivityEndReason }>;

/** A CSR of the session saved a note; it becomes part of the CSR activity report (TL-6, RPT-1). */
export type NoteSaved = Event<'NoteSaved', Stamp & { readonly noteId: string; readonly text: string }>;

/** Recording started: by the controlling CSR (REC-1) or automatically at start (`automatic`, REC-2). */
export type RecordingStarted = Event<'RecordingStarted', Stamp & { readonly recordingId: string; readonly automatic: boolean }>;

/**
 * Recording stopped, by hand or as a consequence (CTL-4, Q-4, session end). Schema v2 added what
 * was stored, so the hash chain covers the recording's bytes: `sizeBytes` and `sha256` of the
 * WebM uploaded so far (0 and null when no byte arrived), `durationMs` from start to stop.
 * v1 events read as null for all three.
 */
export type RecordingStopped = Event<
  'RecordingStopped',
  Stamp & {
    readonly recordingId: string;
    readonly reason: ActivityEndReason;
    readonly sizeBytes: number | null;
    readonly durationMs: number | null;
    readonly sha256: string | null;
  }
>;

/** The display mode for shared applications changed (OPT-1). */
export type DisplayModeChanged = Event<'DisplayModeChanged', Stamp & { readonly mode: DisplayMode }>;

/** The session ended: by its controlling CSR (SES-6), or because their console closed (SES-5). */
export type SessionEnded = Event<'SessionEnded', Stamp & { readonly reason: SessionEndReason }>;

export type SessionEvent =
  | SessionStarted
  | InvitationSent
  | CustomerJoined
  | HelperJoined
  | ParticipantLeft
  | ActiveCustomerSelected
  | ControlTransferred
  | HandedToQueue
  | HandOverAccepted
  | ShareRequested
  | ShareApproved
  | ShareDeclined
  | ShareEnded
  | ChatMessageSent
  | ChatClosed
  | FilePublished
  | FileSent
  | FileExpired
  | InvitationUndelivered
  | FileTransferRequested
  | FileTransferApproved
  | FileTransferDeclined
  | FileTransferEnded
  | VideoStarted
  | VideoEnded
  | VoiceCallStarted
  | VoiceCallEnded
  | NoteSaved
  | RecordingStarted
  | RecordingStopped
  | RecordingDeleted
  | DisplayModeChanged
  | SessionEnded;

export type SessionEventType = SessionEvent['type'];
