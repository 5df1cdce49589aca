import type { Command } from '../shared/decider.js';
import type { SiteSettings, UserSettings } from './settings.events.js';

/** Admin changes some site settings; omitted fields stay as they are. */
export type ChangeSiteSettings = Command<'ChangeSiteSettings', Partial<SiteSettings>>;

/** Admin changes one user's settings (multi-session privilege, WebACD agent flag, console type). */
export type ChangeUserSettings = Command<'ChangeUserSettings', { readonly userId: string } & Partial<UserSettings>>;

export type SettingsCommand = ChangeSiteSettings | ChangeUserSettings;
