/**
 * Stable error codes of the session aggregate. Clients and the API layer rely on them:
 * never rename one. The category each is raised with is noted beside it.
 */

// --- lifecycle (SES)
/** not_found: no session has been started on this stream (INV-6 unknown session). */
export const SESSION_NOT_FOUND = 'SESSION_NOT_FOUND';
/** illegal_state: the session has ended and takes no further commands (SES-7, INV-6). */
export const SESSION_ENDED = 'SESSION_ENDED';
/** illegal_state: StartSession on a stream that already holds a session. */
export const SESSION_ALREADY_STARTED = 'SESSION_ALREADY_STARTED';
/** illegal_state: the session waits in a WebACD queue; only joining, leaving, accepting or a system end apply. */
export const SESSION_QUEUED = 'SESSION_QUEUED';
/** validation: a session number is not nine digits (spaces and dashes allowed). */
export const INVALID_SESSION_NUMBER = 'INVALID_SESSION_NUMBER';
/** validation: the number typed to join is not this session's number (INV-4, AST-1). */
export const SESSION_NUMBER_MISMATCH = 'SESSION_NUMBER_MISMATCH';
/** validation: an inbound session needs its customer and the page they came from (SES-2). */
export const INBOUND_DETAILS_REQUIRED = 'INBOUND_DETAILS_REQUIRED';
/** illegal_state: inbound sessions, hand-overs and co-browsing need WebACD on the site (SES-2). */
export const WEBACD_DISABLED = 'WEBACD_DISABLED';
/** illegal_state: single-session mode allows one live session per CSR (SES-3). */
export const CSR_ALREADY_IN_SESSION = 'CSR_ALREADY_IN_SESSION';
/** illegal_state: multi-session mode, the CSR already runs as many sessions as the admin allows (SES-3, MC-4). */
export const CSR_SESSION_LIMIT_REACHED = 'CSR_SESSION_LIMIT_REACHED';
/** illegal_state: the session already holds as many customers as allowed (SES-3, INV-5). */
export const CUSTOMER_LIMIT_REACHED = 'CUSTOMER_LIMIT_REACHED';
/** validation: a session is inbound or outbound. */
export const INVALID_SESSION_KIND = 'INVALID_SESSION_KIND';
/** validation: one joins as customer or as helper. */
export const INVALID_JOIN_PLACE = 'INVALID_JOIN_PLACE';
/** validation: unknown end reason. */
export const INVALID_END_REASON = 'INVALID_END_REASON';

// --- who may act
/** forbidden: the acting user is not a CSR (no 'csr' role) but the command needs one. */
export const NOT_A_CSR = 'NOT_A_CSR';
/** forbidden: joining as customer needs the 'customer' role. */
export const NOT_A_CUSTOMER = 'NOT_A_CUSTOMER';
/** forbidden: the acting user takes no part in the session. */
export const NOT_A_PARTICIPANT = 'NOT_A_PARTICIPANT';
/** forbidden: only the CSR holding control may do this (AST-2, CTL-2, SES-6). */
export const NOT_CONTROLLER = 'NOT_CONTROLLER';
/** forbidden: only a CSR of the session may do this (TL-6 notes). */
export const NOT_A_CSR_OF_SESSION = 'NOT_A_CSR_OF_SESSION';
/** forbidden: ending for a lost console is the system's call (SES-5). */
export const SYSTEM_ONLY = 'SYSTEM_ONLY';
/** illegal_state: the controlling CSR must end the session or pass control before leaving (SES-6). */
export const CONTROLLER_CANNOT_LEAVE = 'CONTROLLER_CANNOT_LEAVE';

// --- invitations (INV)
/** validation: an invitation is malformed (unknown channel, missing address, bad email). */
export const INVALID_INVITATION = 'INVALID_INVITATION';
/** validation: another CSR is invited by email only (INV-1). */
export const CSR_INVITATION_EMAIL_ONLY = 'CSR_INVITATION_EMAIL_ONLY';

// --- control (CTL) and hand-over (Q)
/** illegal_state: control passes only to a CSR who joined the session as helper (CTL-1). */
export const TARGET_NOT_HELPER = 'TARGET_NOT_HELPER';
/** forbidden: only a WebACD agent hands over or accepts queued sessions. */
export const NOT_WEBACD_AGENT = 'NOT_WEBACD_AGENT';
/** validation: the target is exactly one queue, or one or more agents, never both. */
export const INVALID_HANDOVER_TARGET = 'INVALID_HANDOVER_TARGET';
/** validation: the personal message is longer than 345 characters. */
export const HANDOVER_MESSAGE_TOO_LONG = 'HANDOVER_MESSAGE_TOO_LONG';
/** illegal_state: accepting a session that is not waiting in a queue. */
export const SESSION_NOT_QUEUED = 'SESSION_NOT_QUEUED';
/** forbidden: the session was offered to named agents and the acting agent is not one of them. */
export const HANDOVER_NOT_OFFERED = 'HANDOVER_NOT_OFFERED';

// --- several customers (MC)
/** illegal_state: selecting the active customer is a single-session mode function (MC-1). */
export const NOT_SINGLE_SESSION_MODE = 'NOT_SINGLE_SESSION_MODE';
/** validation: the user named is not a customer in the session. */
export const CUSTOMER_NOT_IN_SESSION = 'CUSTOMER_NOT_IN_SESSION';
/** illegal_state: the tool needs a customer being assisted and there is none. */
export const NO_ACTIVE_CUSTOMER = 'NO_ACTIVE_CUSTOMER';

// --- sharing (SHR)
/** validation: unknown kind or mode, or a mode the kind does not offer (SHR-1..3). */
export const INVALID_SHARE_MODE = 'INVALID_SHARE_MODE';
/** illegal_state: co-browsing needs WebACD and co-browsing on for the session's site (SHR-3). */
export const COBROWSING_UNAVAILABLE = 'COBROWSING_UNAVAILABLE';
/** illegal_state: co-browsing starts on the customer's page; only inbound sessions have one (SHR-3). */
export const COBROWSING_NEEDS_ORIGIN = 'COBROWSING_NEEDS_ORIGIN';
/** illegal_state: a share of that kind is already requested or running. */
export const SHARE_ALREADY_RUNNING = 'SHARE_ALREADY_RUNNING';
/** not_found: no share, or no longer one, with that id. */
export const SHARE_NOT_FOUND = 'SHARE_NOT_FOUND';
/** illegal_state: the share was already approved. */
export const SHARE_NOT_PENDING = 'SHARE_NOT_PENDING';
/** forbidden: only the customer asked may approve or decline (SHR-1). */
export const NOT_REQUEST_TARGET = 'NOT_REQUEST_TARGET';
/** validation: approving an application share names the application shown (SHR-2). */
export const APPLICATION_REQUIRED = 'APPLICATION_REQUIRED';
/** illegal_state: an id for a new share, transfer or call is already used in this session. */
export const DUPLICATE_ID = 'DUPLICATE_ID';

// --- tools (TL), recording (REC), options (OPT)
/** validation: chat text is empty (TL-1). */
export const CHAT_MESSAGE_EMPTY = 'CHAT_MESSAGE_EMPTY';
/** validation: chat text is longer than 2000 characters (TL-1). */
export const CHAT_MESSAGE_TOO_LONG = 'CHAT_MESSAGE_TOO_LONG';
/** validation: the recipient takes no part in the session (TL-1, TL-5). */
export const RECIPIENT_NOT_IN_SESSION = 'RECIPIENT_NOT_IN_SESSION';
/** validation: a file to publish needs a name (TL-3). */
export const INVALID_FILE = 'INVALID_FILE';
/** not_found: no file transfer under way with that id (TL-4). */
export const FILE_TRANSFER_NOT_FOUND = 'FILE_TRANSFER_NOT_FOUND';
/** illegal_state: the file transfer was already answered (TL-4). */
export const FILE_TRANSFER_NOT_PENDING = 'FILE_TRANSFER_NOT_PENDING';
/** illegal_state: files move in an advanced transfer only once the customer approved it (TL-4). */
export const FILE_TRANSFER_NOT_APPROVED = 'FILE_TRANSFER_NOT_APPROVED';
/** forbidden: only the transfer's customer and the controlling CSR send files in it (TL-4). */
export const NOT_TRANSFER_PARTY = 'NOT_TRANSFER_PARTY';
/** not_found: no stored recording or file has this id in the session. */
export const STORED_CONTENT_NOT_FOUND = 'STORED_CONTENT_NOT_FOUND';
/** illegal_state: the stored content is younger than the site's retention (ADM-1). */
export const RETENTION_NOT_REACHED = 'RETENTION_NOT_REACHED';
/** illegal_state: live video needs a camera (TL-2). */
export const NO_CAMERA = 'NO_CAMERA';
/** illegal_state: video is already on. */
export const VIDEO_ALREADY_RUNNING = 'VIDEO_ALREADY_RUNNING';
/** illegal_state: no video is on. */
export const VIDEO_NOT_RUNNING = 'VIDEO_NOT_RUNNING';
/** illegal_state: a voice call is already on. */
export const VOICE_CALL_ALREADY_RUNNING = 'VOICE_CALL_ALREADY_RUNNING';
/** illegal_state: no voice call is on. */
export const VOICE_CALL_NOT_RUNNING = 'VOICE_CALL_NOT_RUNNING';
/** validation: a note is empty or longer than 10000 characters (TL-6). */
export const INVALID_NOTE = 'INVALID_NOTE';
/** illegal_state: the site records every session itself; the record command is not offered (REC-2). */
export const RECORDING_AUTOMATIC = 'RECORDING_AUTOMATIC';
/** illegal_state: a recording is already running. */
export const RECORDING_ALREADY_RUNNING = 'RECORDING_ALREADY_RUNNING';
/** illegal_state: no recording is running. */
export const RECORDING_NOT_RUNNING = 'RECORDING_NOT_RUNNING';
/** validation: display mode is standard or screen_sampling (OPT-1). */
export const INVALID_DISPLAY_MODE = 'INVALID_DISPLAY_MODE';
/** No invitation mailed by the system has this id in the session (INV-1). */
export const INVITATION_NOT_FOUND = 'INVITATION_NOT_FOUND';
