import { EventStore1763700000000 } from './1763700000000-event-store.js';
import { ProjectionCheckpoints1763700000001 } from './1763700000001-projection-checkpoints.js';
import { Sessions1763700000002 } from './1763700000002-sessions.js';
import { ConsolePresence1763700000003 } from './1763700000003-console-presence.js';
import { SessionDerivedViews1763700000004 } from './1763700000004-session-derived-views.js';
import { Queues1763700000005 } from './1763700000005-queues.js';
import { Reports1763700000006 } from './1763700000006-reports.js';
import { ReportExports1763700000007 } from './1763700000007-report-exports.js';
import { AppendRegistration1763700000008 } from './1763700000008-append-registration.js';
import { Invitations1763800000000 } from '../../mail/1763800000000-invitations.migration.js';
import { RateLimits1764400000010 } from './1764400000010-rate-limits.js';
import { InvitationRedemptions1764400000015 } from './1764400000015-invitation-redemptions.js';
import { SessionConversation1764400000016 } from './1764400000016-session-conversation.js';
import { QueueLines1764400000020 } from './1764400000020-queue-lines.js';
import { SessionQueues1764500000040 } from './1764500000040-session-queues.js';
import { LiveSessionIndex1764600000050 } from './1764600000050-live-session-index.js';
import { CombinedAppends1764700000060 } from './1764700000060-combined-appends.js';

/** Every migration, in order. Listed by hand: ESM has no glob loading, and the list is the history. */
export const MIGRATIONS = [
  EventStore1763700000000,
  ProjectionCheckpoints1763700000001,
  Sessions1763700000002,
  ConsolePresence1763700000003,
  SessionDerivedViews1763700000004,
  Queues1763700000005,
  Reports1763700000006,
  ReportExports1763700000007,
  AppendRegistration1763700000008,
  Invitations1763800000000,
  RateLimits1764400000010,
  InvitationRedemptions1764400000015,
  SessionConversation1764400000016,
  QueueLines1764400000020,
  SessionQueues1764500000040,
  LiveSessionIndex1764600000050,
  CombinedAppends1764700000060,
];
