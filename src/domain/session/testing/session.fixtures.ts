/** Fixed people, clock and event builders for the session unit specs. Tests only. */
import type { CommandMetadata } from '../../shared/decider.js';
import { deciderSpec } from '../../shared/testing/decider-spec.js';
import type { EffectiveSettings } from '../../settings/settings.state.js';
import { fold } from '../../shared/decider.js';
import { sessionDecider } from '../index.js';
import type { SessionCommand, SessionContext } from '../session.commands.js';
import type * as Ev from '../session.events.js';

export const NOW = new Date('2025-03-01T09:00:00.000Z');
export const AT = NOW.toISOString();

export const SESSION_ID = 'ses-1';
export const NUMBER = '123456789';
export const SITE_URL = 'https://support.example.com';
export const JOIN_LINK = 'https://support.example.com/join/123456789';
export const ORIGIN_URL = 'https://shop.example.com/checkout';

export const CSR = 'csr-ann';
export const HELPER = 'csr-bob';
export const HELPER2 = 'csr-cleo';
export const AGENT = 'agent-eve';
export const CUSTOMER = 'cust-carla';
export const CUSTOMER2 = 'cust-dan';
export const STRANGER = 'csr-zed';

export const meta = (userId: string, roles: readonly string[]): CommandMetadata => ({ userId, roles, now: NOW });
export const asCsr = (userId: string = CSR) => meta(userId, ['csr']);
export const asCustomer = (userId: string = CUSTOMER) => meta(userId, ['customer']);
export const asSystem = () => meta('system', ['system']);

export const settings = (over: Partial<EffectiveSettings> = {}): EffectiveSettings => ({
  webacdEnabled: false,
  coBrowsingEnabled: false,
  autoRecord: false,
  maxCustomers: 3,
  sessionMode: 'single',
  webacdAgent: false,
  consoleType: 'dashboard',
  ...over,
});

export const context = (over: Partial<EffectiveSettings> = {}, actorLiveSessions = 0): SessionContext => ({
  settings: settings(over),
  actorLiveSessions,
  siteUrl: SITE_URL,
});

/** The acting user is a WebACD agent on a site with WebACD on. */
export const agentContext = (over: Partial<EffectiveSettings> = {}, actorLiveSessions = 0) => context({ webacdEnabled: true, webacdAgent: true, ...over }, actorLiveSessions);

export const spec = deciderSpec(sessionDecider, context());

/** Builds a command; the type checker keeps `data` honest for each command type. */
export const cmd = <T extends SessionCommand['type']>(type: T, data: Extract<SessionCommand, { type: T }>['data'], metadata: CommandMetadata = asCsr()) =>
  ({ type, data, metadata }) as Extract<SessionCommand, { type: T }>;

// ---- event builders (by the CSR, at NOW, unless told)

type Settings = Ev.StartedWithSettings;

export const ev = {
  started: (over: Partial<Omit<Ev.SessionStarted['data'], 'settings'>> & { settings?: Partial<Settings> } = {}): Ev.SessionStarted => ({
    type: 'SessionStarted',
    data: {
      sessionId: SESSION_ID,
      number: NUMBER,
      kind: 'outbound',
      mode: 'single',
      joinLink: JOIN_LINK,
      siteUrl: SITE_URL,
      originUrl: null,
      by: CSR,
      at: AT,
      ...over,
      settings: { maxCustomers: 3, autoRecord: false, coBrowsingAvailable: false, ...over.settings },
    },
  }),
  inboundStarted: (over: Partial<Settings> = {}): Ev.SessionStarted => ev.started({ kind: 'inbound', originUrl: ORIGIN_URL, settings: { coBrowsingAvailable: true, ...over } }),
  customerJoined: (customerId: string = CUSTOMER, displayName: string | null = null): Ev.CustomerJoined => ({
    type: 'CustomerJoined',
    data: { customerId, displayName, by: customerId, at: AT },
  }),
  helperJoined: (helperId: string = HELPER, displayName: string | null = null): Ev.HelperJoined => ({
    type: 'HelperJoined',
    data: { helperId, displayName, by: helperId, at: AT },
  }),
  left: (userId: string, place: Ev.Place, reason: 'left' | 'handed_over' = 'left', by = userId): Ev.ParticipantLeft => ({
    type: 'ParticipantLeft',
    data: { userId, place, reason, by, at: AT },
  }),
  selected: (customerId: string, previousCustomerId: string | null, by = CSR): Ev.ActiveCustomerSelected => ({
    type: 'ActiveCustomerSelected',
    data: { customerId, previousCustomerId, by, at: AT },
  }),
  transferred: (from: string, to: string): Ev.ControlTransferred => ({
    type: 'ControlTransferred',
    data: { from, to, by: from, at: AT },
  }),
  handedToQueue: (target: Ev.HandOverTarget, message: string | null = null, by = AGENT): Ev.HandedToQueue => ({
    type: 'HandedToQueue',
    data: { target, message, by, at: AT },
  }),
  shareRequested: (
    shareId: string,
    kind: Ev.ShareKind = 'desktop',
    mode: Ev.ShareMode = 'view',
    customerId: string = CUSTOMER,
    startUrl: string | null = null,
    by = CSR,
  ): Ev.ShareRequested => ({ type: 'ShareRequested', data: { shareId, kind, mode, customerId, startUrl, by, at: AT } }),
  shareApproved: (shareId: string, by: string = CUSTOMER, applicationName: string | null = null): Ev.ShareApproved => ({
    type: 'ShareApproved',
    data: { shareId, applicationName, by, at: AT },
  }),
  shareDeclined: (shareId: string, by: string = CUSTOMER): Ev.ShareDeclined => ({ type: 'ShareDeclined', data: { shareId, by, at: AT } }),
  shareEnded: (shareId: string, reason: Ev.ActivityEndReason, by = CSR): Ev.ShareEnded => ({
    type: 'ShareEnded',
    data: { shareId, reason, by, at: AT },
  }),
  chatSent: (messageId: string, text = 'hello', to: string | null = null, by = CSR): Ev.ChatMessageSent => ({
    type: 'ChatMessageSent',
    data: { messageId, text, to, by, at: AT },
  }),
  chatClosed: (reason: Ev.ActivityEndReason, by = CSR): Ev.ChatClosed => ({ type: 'ChatClosed', data: { reason, by, at: AT } }),
  transferRequested: (transferId: string, customerId: string = CUSTOMER, by = CSR): Ev.FileTransferRequested => ({
    type: 'FileTransferRequested',
    data: { transferId, customerId, by, at: AT },
  }),
  transferApproved: (transferId: string, by: string = CUSTOMER): Ev.FileTransferApproved => ({
    type: 'FileTransferApproved',
    data: { transferId, by, at: AT },
  }),
  transferEnded: (transferId: string, reason: Ev.ActivityEndReason, by = CSR): Ev.FileTransferEnded => ({
    type: 'FileTransferEnded',
    data: { transferId, reason, by, at: AT },
  }),
  videoStarted: (videoId = 'vid-1', by = CSR): Ev.VideoStarted => ({ type: 'VideoStarted', data: { videoId, by, at: AT } }),
  videoEnded: (reason: Ev.ActivityEndReason, videoId = 'vid-1', by = CSR): Ev.VideoEnded => ({
    type: 'VideoEnded',
    data: { videoId, reason, by, at: AT },
  }),
  voiceStarted: (withUserId: string = CUSTOMER, callId = 'call-1', by = CSR): Ev.VoiceCallStarted => ({
    type: 'VoiceCallStarted',
    data: { callId, withUserId, by, at: AT },
  }),
  voiceEnded: (reason: Ev.ActivityEndReason, callId = 'call-1', by = CSR): Ev.VoiceCallEnded => ({
    type: 'VoiceCallEnded',
    data: { callId, reason, by, at: AT },
  }),
  recordingStarted: (recordingId = 'rec-1', automatic = false, by = CSR): Ev.RecordingStarted => ({
    type: 'RecordingStarted',
    data: { recordingId, automatic, by, at: AT },
  }),
  recordingStopped: (reason: Ev.ActivityEndReason, recordingId = 'rec-1', by = CSR): Ev.RecordingStopped => ({
    type: 'RecordingStopped',
    data: { recordingId, reason, sizeBytes: 0, durationMs: 0, sha256: null, by, at: AT },
  }),
  ended: (reason: Ev.SessionEndReason = 'ended_by_csr', by = CSR): Ev.SessionEnded => ({ type: 'SessionEnded', data: { reason, by, at: AT } }),
};

/** An outbound single-session session with one customer and one helper. */
export const withCustomerAndHelper = (): Ev.SessionEvent[] => [ev.started(), ev.customerJoined(), ev.helperJoined()];

/** Decides `command` on `history` and folds the result: the state a reader would see next. */
export const stateAfter = (history: readonly Ev.SessionEvent[], command: SessionCommand, ctx: SessionContext = context()) => {
  const events = sessionDecider.decide(command, fold(sessionDecider, history), ctx);
  return fold(sessionDecider, [...history, ...events]);
};
