import { own } from '../shared/own.js';
import { assertNever } from '../shared/decider.js';
import type { ConsoleType, SettingsEvent, SiteSettings, UserSettings } from './settings.events.js';

/** Settings always exist: a site nobody configured runs on the defaults below. */
export interface SettingsState {
  readonly site: SiteSettings;
  readonly users: Readonly<Record<string, UserSettings>>;
}

export const DEFAULT_SITE_SETTINGS: SiteSettings = {
  webacdEnabled: false,
  coBrowsingEnabled: false,
  autoRecord: false,
  maxCustomers: 5,
  multiSessionAllowed: false,
  recordingRetentionDays: 90,
  fileRetentionDays: 30,
};

export const DEFAULT_USER_SETTINGS: UserSettings = {
  multiSession: false,
  webacdAgent: false,
  consoleType: 'dashboard',
  skills: [],
};

export const initialSettingsState = (): SettingsState => ({ site: DEFAULT_SITE_SETTINGS, users: {} });

export function evolveSettings(state: SettingsState, event: SettingsEvent): SettingsState {
  switch (event.type) {
    case 'SiteSettingsChanged':
      return { ...state, site: { ...state.site, ...event.data.changes } };
    case 'UserSettingsChanged': {
      const current = userSettings(state, event.data.userId);
      return { ...state, users: { ...state.users, [event.data.userId]: { ...current, ...event.data.changes } } };
    }
    default:
      return assertNever(event);
  }
}

export const userSettings = (state: SettingsState, userId: string): UserSettings => ({ ...DEFAULT_USER_SETTINGS, ...(own(state.users, userId) ?? {}) });

/**
 * Q-1, computed once for sessions and queues: the user is a WebACD agent while WebACD is on and
 * the admin's user setting says so, or the identity provider's `webacdAgent` flag does, or
 * (queues only) the admin put them in the queue (`queueMember`).
 */
export function isWebacdAgent(state: SettingsState, userId: string, flags: { readonly webacdAgent?: boolean }, queueMember = false): boolean {
  if (!state.site.webacdEnabled) return false;
  return userSettings(state, userId).webacdAgent || flags.webacdAgent === true || queueMember;
}

/** RT-3: the user's skills as routing reads them (skill -> level). */
export const skillLevels = (state: SettingsState, userId: string): ReadonlyMap<string, number> => new Map(userSettings(state, userId).skills.map((s) => [s.skill, s.level]));

/**
 * What a session decision needs to know about its site and acting user, resolved once.
 * The session copies the parts that must not move under it into `SessionStarted`, so a later
 * change applies only to sessions started after it (ADM-1).
 */
export interface EffectiveSettings {
  readonly webacdEnabled: boolean;
  /** Co-browsing is on and WebACD too (SHR-3). */
  readonly coBrowsingEnabled: boolean;
  readonly autoRecord: boolean;
  readonly maxCustomers: number;
  /** Multi-session only when the site allows it and the user holds the privilege (SES-3). */
  readonly sessionMode: 'single' | 'multi';
  /** Only meaningful while WebACD is on. */
  readonly webacdAgent: boolean;
  readonly consoleType: ConsoleType;
}

export function effectiveSettings(state: SettingsState, userId: string): EffectiveSettings {
  const { site } = state;
  const user = userSettings(state, userId);
  return {
    webacdEnabled: site.webacdEnabled,
    coBrowsingEnabled: site.coBrowsingEnabled && site.webacdEnabled,
    autoRecord: site.autoRecord,
    maxCustomers: site.maxCustomers,
    sessionMode: site.multiSessionAllowed && user.multiSession ? 'multi' : 'single',
    webacdAgent: site.webacdEnabled && user.webacdAgent,
    consoleType: user.consoleType,
  };
}
