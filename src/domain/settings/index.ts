import type { Decider } from '../shared/decider.js';
import type { SettingsCommand } from './settings.commands.js';
import { decideSettings } from './settings.decide.js';
import type { SettingsEvent } from './settings.events.js';
import { evolveSettings, initialSettingsState, type SettingsState } from './settings.state.js';

export * from './settings.commands.js';
export * from './settings.errors.js';
export * from './settings.events.js';
export * from './settings.state.js';

export const settingsDecider: Decider<SettingsCommand, SettingsEvent, SettingsState> = {
  initialState: initialSettingsState,
  decide: (command, state) => decideSettings(command, state),
  evolve: evolveSettings,
};
