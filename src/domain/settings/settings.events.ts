/**
 * Events of the site settings aggregate (ADM-1, CON-1). One stream per support site.
 * They are a stored contract: never rename a `type`, add a new version instead.
 */
import type { Event } from '../shared/decider.js';

/** The console a CSR works from (CON-1): dashboard tabs, compact icon tray or multi-session window. */
export type ConsoleType = 'dashboard' | 'compact' | 'multi_session';
export const CONSOLE_TYPES: readonly ConsoleType[] = ['dashboard', 'compact', 'multi_session'];

/** Settings the admin sets for the whole site. */
export interface SiteSettings {
  /** WebACD queues are installed and on; inbound sessions, hand-overs and co-browsing need it. */
  readonly webacdEnabled: boolean;
  /** Co-browsing may be offered (it also needs WebACD, SHR-3). */
  readonly coBrowsingEnabled: boolean;
  /** Every session is recorded from its start; the record command is not offered (REC-2). */
  readonly autoRecord: boolean;
  /** Most customers one CSR may assist at once (SES-3), 1..50. */
  readonly maxCustomers: number;
  /** The site allows multi-session mode at all (SES-3). */
  readonly multiSessionAllowed: boolean;
  /** Days a stored recording's bytes are kept before the retention job deletes them (ADM-1), 1..3650. */
  readonly recordingRetentionDays: number;
  /** Days a stored file's bytes are kept before the retention job deletes them (ADM-1), 1..3650. */
  readonly fileRetentionDays: number;
}

/** Settings the admin sets per user, over the site's. */
export interface UserSettings {
  /** The user holds the multi-session privilege (SES-3). */
  readonly multiSession: boolean;
  /** The user is a WebACD agent: takes and hands over queued sessions. */
  readonly webacdAgent: boolean;
  /** The console the user works from (CON-1). */
  readonly consoleType: ConsoleType;
  /** WebACD skills and levels (1..10), each skill once; routing offers an item only to agents with all it needs (RT-3). */
  readonly skills: readonly AgentSkill[];
}

/** A skill an agent holds, at a level from 1 (some) to 10 (expert). */
export interface AgentSkill {
  readonly skill: string;
  readonly level: number;
}

/** The admin changed site settings; `changes` holds only the fields whose value changed. */
export type SiteSettingsChanged = Event<'SiteSettingsChanged', { readonly changes: Partial<SiteSettings>; readonly by: string; readonly at: string }>;

/** The admin changed one user's settings; `changes` holds only the fields whose value changed. */
export type UserSettingsChanged = Event<'UserSettingsChanged', { readonly userId: string; readonly changes: Partial<UserSettings>; readonly by: string; readonly at: string }>;

export type SettingsEvent = SiteSettingsChanged | UserSettingsChanged;
