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
import { type AgentSkill, CONSOLE_TYPES, type ConsoleType, type SettingsEvent, type UserSettings } from './settings.events.js';
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
  const skills = requested.skills === undefined ? undefined : validSkills(requested.skills);
  const current = userSettings(state, userId);
  const { skills: _skills, ...rest } = requested;
  const changes: Partial<UserSettings> = {
    ...changedFields(current, rest),
    ...(skills !== undefined && JSON.stringify(skills) !== JSON.stringify(current.skills) ? { skills } : {}),
  };
  if (Object.keys(changes).length === 0) return [];
  return [{ type: 'UserSettingsChanged', data: { userId, changes, by: metadata.userId, at: metadata.now.toISOString() } }];
}

/** RT-3: skills are { skill: 1..50 characters, level: 1..10 }, each skill once, at most 50. */
function validSkills(skills: unknown): readonly AgentSkill[] {
  const invalid = (detail: string) => validationError(INVALID_SETTING_VALUE, 'skills', detail);
  if (!Array.isArray(skills) || skills.length > 50) throw invalid('skills is a list of at most 50 { skill, level }');
  const seen = new Set<string>();
  const list = skills.map((s: unknown) => {
    const { skill, level } = (typeof s === 'object' && s !== null ? s : {}) as { skill?: unknown; level?: unknown };
    const name = typeof skill === 'string' ? skill.trim() : '';
    if (!name || [...name].length > 50) throw invalid('A skill name has 1 to 50 characters');
    if (typeof level !== 'number' || !Number.isInteger(level) || level < 1 || level > 10) throw invalid('A skill level is a whole number from 1 to 10');
    if (seen.has(name)) throw invalid(`The skill ${name} is listed twice`);
    seen.add(name);
    return { skill: name, level };
  });
  return list.sort((a, b) => (a.skill < b.skill ? -1 : a.skill > b.skill ? 1 : 0));
}

function assertMaxCustomers(value: number): void {
  if (!Number.isInteger(value) || value < MAX_CUSTOMERS_MIN || value > MAX_CUSTOMERS_MAX) {
    throw validationError(MAX_CUSTOMERS_OUT_OF_RANGE, 'maxCustomers', `The most customers at once must be a whole number from ${MAX_CUSTOMERS_MIN} to ${MAX_CUSTOMERS_MAX}`, {
      min: MAX_CUSTOMERS_MIN,
      max: MAX_CUSTOMERS_MAX,
    });
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
