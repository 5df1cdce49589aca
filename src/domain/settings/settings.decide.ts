import { assertNever, type CommandMetadata } from '../shared/decider.js';
import { forbidden, validationError } from '../shared/domain-error.js';
import type { ChangeSiteSettings, ChangeUserSettings, SettingsCommand } from './settings.commands.js';
import {
  INVALID_SETTING_VALUE,
  MAX_CUSTOMERS_MAX,
  MAX_CUSTOMERS_MIN,
  MAX_CUSTOMERS_OUT_OF_RANGE,
  RETENTION_DAYS_MAX,
  RETENTION_DAYS_MIN,
  RETENTION_OUT_OF_RANGE,
  SETTINGS_ADMIN_ONLY,
  UNKNOWN_CONSOLE_TYPE,
} from './settings.errors.js';
import { CONSOLE_TYPES, type ConsoleType, type SettingsEvent } from './settings.events.js';
import { type SettingsState, userSettings } from './settings.state.js';

export function decideSettings(command: SettingsCommand, state: SettingsState): readonly SettingsEvent[] {
  assertAdmin(command.metadata);
  switch (command.type) {
    case 'ChangeSiteSettings':
      return changeSiteSettings(command, state);
    case 'ChangeUserSettings':
      return changeUserSettings(command, state);
    default:
      return assertNever(command);
  }
}

// ADM-1, CON-1: only the admin changes settings, including which console a CSR works from.
function assertAdmin(metadata: CommandMetadata): void {
  if (!metadata.roles.includes('admin')) throw forbidden(SETTINGS_ADMIN_ONLY, 'Only an admin may change settings');
}

const SITE_FLAGS = ['webacdEnabled', 'coBrowsingEnabled', 'autoRecord', 'multiSessionAllowed'] as const;
const USER_FLAGS = ['multiSession', 'webacdAgent'] as const;

function changeSiteSettings({ data, metadata }: ChangeSiteSettings, state: SettingsState): readonly SettingsEvent[] {
  for (const flag of SITE_FLAGS) assertBoolean(data[flag], flag);
  if (data.maxCustomers !== undefined) assertMaxCustomers(data.maxCustomers);
  for (const field of ['recordingRetentionDays', 'fileRetentionDays'] as const) {
    const days = data[field];
    if (days !== undefined && (!Number.isInteger(days) || days < RETENTION_DAYS_MIN || days > RETENTION_DAYS_MAX)) {
      throw validationError(RETENTION_OUT_OF_RANGE, field, `Retention is a whole number of days from ${RETENTION_DAYS_MIN} to ${RETENTION_DAYS_MAX}`, {
        min: RETENTION_DAYS_MIN,
        max: RETENTION_DAYS_MAX,
      });
    }
  }
  const changes = changedFields(state.site, data);
  if (Object.keys(changes).length === 0) return [];
  return [{ type: 'SiteSettingsChanged', data: { changes, by: metadata.userId, at: metadata.now.toISOString() } }];
}

function changeUserSettings({ data, metadata }: ChangeUserSettings, state: SettingsState): readonly SettingsEvent[] {
  const { userId, ...requested } = data;
  if (!userId) throw validationError(INVALID_SETTING_VALUE, 'userId', 'A user id is required');
  for (const flag of USER_FLAGS) assertBoolean(requested[flag], flag);
  if (requested.consoleType !== undefined) assertConsoleType(requested.consoleType);
  const changes = changedFields(userSettings(state, userId), requested);
  if (Object.keys(changes).length === 0) return [];
  return [{ type: 'UserSettingsChanged', data: { userId, changes, by: metadata.userId, at: metadata.now.toISOString() } }];
}

function assertMaxCustomers(value: number): void {
  if (!Number.isInteger(value) || value < MAX_CUSTOMERS_MIN || value > MAX_CUSTOMERS_MAX) {
    throw validationError(
      MAX_CUSTOMERS_OUT_OF_RANGE,
      'maxCustomers',
      `The most customers at once must be a whole number from ${MAX_CUSTOMERS_MIN} to ${MAX_CUSTOMERS_MAX}`,
      { min: MAX_CUSTOMERS_MIN, max: MAX_CUSTOMERS_MAX },
    );
  }
}

function assertConsoleType(value: string): asserts value is ConsoleType {
  if (!(CONSOLE_TYPES as readonly string[]).includes(value)) {
    throw validationError(UNKNOWN_CONSOLE_TYPE, 'consoleType', `Console type must be one of ${CONSOLE_TYPES.join(', ')}`);
  }
}

function assertBoolean(value: unknown, field: string): void {
  if (value !== undefined && typeof value !== 'boolean') throw validationError(INVALID_SETTING_VALUE, field, `${field} must be true or false`);
}

/** Keeps only the requested fields whose value differs, so a no-op writes nothing. */
function changedFields<T extends object>(current: T, requested: Partial<T>): Partial<T> {
  const changes: Partial<T> = {};
  for (const key of Object.keys(requested) as (keyof T)[]) {
    // Known setting names only: a name such as `__proto__` is no setting.
    if (!Object.hasOwn(current, key)) continue;
    const value = requested[key];
    if (value !== undefined && value !== current[key]) changes[key] = value;
  }
  return changes;
}
