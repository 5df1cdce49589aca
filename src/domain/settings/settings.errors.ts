/** Stable codes of the settings aggregate. Never renamed: clients rely on them. */
export const SETTINGS_ADMIN_ONLY = 'SETTINGS_ADMIN_ONLY';
export const MAX_CUSTOMERS_OUT_OF_RANGE = 'MAX_CUSTOMERS_OUT_OF_RANGE';
export const UNKNOWN_CONSOLE_TYPE = 'UNKNOWN_CONSOLE_TYPE';
export const INVALID_SETTING_VALUE = 'INVALID_SETTING_VALUE';
/** validation: a retention is a whole number of days from RETENTION_DAYS_MIN to RETENTION_DAYS_MAX (ADM-1). */
export const RETENTION_OUT_OF_RANGE = 'RETENTION_OUT_OF_RANGE';

export type SettingsErrorCode =
  typeof SETTINGS_ADMIN_ONLY | typeof MAX_CUSTOMERS_OUT_OF_RANGE | typeof UNKNOWN_CONSOLE_TYPE | typeof INVALID_SETTING_VALUE | typeof RETENTION_OUT_OF_RANGE;

/** Bounds of how many days recordings and files are kept (ADM-1). */
export const RETENTION_DAYS_MIN = 1;
export const RETENTION_DAYS_MAX = 3650;

/** Bounds of the admin's "most customers at once" (SES-3). */
export const MAX_CUSTOMERS_MIN = 1;
export const MAX_CUSTOMERS_MAX = 50;
