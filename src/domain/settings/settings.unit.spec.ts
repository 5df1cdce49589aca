import { type CommandMetadata, fold } from '../shared/decider.js';
import { deciderSpec } from '../shared/testing/decider-spec.js';
import { type ConsoleType, type SettingsCommand, type SettingsEvent, effectiveSettings, settingsDecider } from './index.js';
import { INVALID_SETTING_VALUE, MAX_CUSTOMERS_OUT_OF_RANGE, SETTINGS_ADMIN_ONLY, UNKNOWN_CONSOLE_TYPE } from './settings.errors.js';

const NOW = new Date('2025-03-01T09:00:00.000Z');
const AT = NOW.toISOString();
const ADMIN = 'admin-ada';
const CSR = 'csr-ann';
const asAdmin: CommandMetadata = { userId: ADMIN, roles: ['admin'], now: NOW };
const asCsr: CommandMetadata = { userId: CSR, roles: ['csr'], now: NOW };

const spec = deciderSpec(settingsDecider, undefined);
const site = (data: Extract<SettingsCommand, { type: 'ChangeSiteSettings' }>['data'], metadata = asAdmin): SettingsCommand => ({
  type: 'ChangeSiteSettings',
  data,
  metadata,
});
const user = (data: Omit<Extract<SettingsCommand, { type: 'ChangeUserSettings' }>['data'], 'userId'>, metadata = asAdmin, userId = CSR): SettingsCommand => ({
  type: 'ChangeUserSettings',
  data: { userId, ...data },
  metadata,
});
const siteChanged = (changes: Extract<SettingsEvent, { type: 'SiteSettingsChanged' }>['data']['changes']): SettingsEvent => ({
  type: 'SiteSettingsChanged',
  data: { changes, by: ADMIN, at: AT },
});
const userChanged = (changes: Extract<SettingsEvent, { type: 'UserSettingsChanged' }>['data']['changes'], userId = CSR): SettingsEvent => ({
  type: 'UserSettingsChanged',
  data: { userId, changes, by: ADMIN, at: AT },
});

describe('site settings', () => {
  it('ADM-1 the admin turns on WebACD, co-browsing and auto-record', () => {
    spec
      .given([])
      .when(site({ webacdEnabled: true, coBrowsingEnabled: true, autoRecord: true }))
      .then([siteChanged({ webacdEnabled: true, coBrowsingEnabled: true, autoRecord: true })]);
  });

  it('ADM-1 only an admin changes site settings', () => {
    const error = spec
      .given([])
      .when(site({ autoRecord: true }, asCsr))
      .thenError(SETTINGS_ADMIN_ONLY);
    expect(error.category).toBe('forbidden');
  });

  it.each([1, 50])('ADM-1 the most customers at once may be %i', (maxCustomers) => {
    spec
      .given([])
      .when(site({ maxCustomers }))
      .then([siteChanged({ maxCustomers })]);
  });

  it.each([0, 51, 2.5])('ADM-1 refuses %s as the most customers at once', (maxCustomers) => {
    const error = spec.given([]).when(site({ maxCustomers })).thenError(MAX_CUSTOMERS_OUT_OF_RANGE);
    expect(error.field).toBe('maxCustomers');
  });

  it('ADM-1 refuses a setting that is not true or false', () => {
    spec
      .given([])
      .when(site({ autoRecord: 'yes' as unknown as boolean }))
      .thenError(INVALID_SETTING_VALUE);
  });

  it('ADM-1 records only what changed, and nothing when nothing changed', () => {
    spec
      .given([siteChanged({ autoRecord: true })])
      .when(site({ autoRecord: true, maxCustomers: 8 }))
      .then([siteChanged({ maxCustomers: 8 })]);
    spec
      .given([siteChanged({ autoRecord: true })])
      .when(site({ autoRecord: true }))
      .then([]);
  });
});

describe('user settings', () => {
  it('ADM-1 the admin grants the multi-session privilege and the WebACD agent flag', () => {
    spec
      .given([])
      .when(user({ multiSession: true, webacdAgent: true }))
      .then([userChanged({ multiSession: true, webacdAgent: true })]);
  });

  it('ADM-1 a CSR cannot grant themselves privileges', () => {
    spec
      .given([])
      .when(user({ webacdAgent: true }, asCsr))
      .thenError(SETTINGS_ADMIN_ONLY);
  });

  it.each(['dashboard', 'compact', 'multi_session'] as const)('CON-1 the admin switches a CSR to the %s console', (consoleType) => {
    const history = consoleType === 'dashboard' ? [userChanged({ consoleType: 'compact' })] : [];
    spec
      .given(history)
      .when(user({ consoleType }))
      .then([userChanged({ consoleType })]);
  });

  it('CON-1 a CSR cannot switch their own console', () => {
    spec
      .given([])
      .when(user({ consoleType: 'compact' }, asCsr))
      .thenError(SETTINGS_ADMIN_ONLY);
  });

  it('CON-1 refuses an unknown console type', () => {
    spec
      .given([])
      .when(user({ consoleType: 'floating' as ConsoleType }))
      .thenError(UNKNOWN_CONSOLE_TYPE);
  });

  it('CON-1 a CSR works from the dashboard until the admin switches them', () => {
    expect(effectiveSettings(fold(settingsDecider, []), CSR).consoleType).toBe('dashboard');
    expect(effectiveSettings(fold(settingsDecider, [userChanged({ consoleType: 'compact' })]), CSR).consoleType).toBe('compact');
  });
});

describe('effective settings', () => {
  it('ADM-1 a site nobody configured runs on the defaults', () => {
    expect(effectiveSettings(fold(settingsDecider, []), CSR)).toEqual({
      webacdEnabled: false,
      coBrowsingEnabled: false,
      autoRecord: false,
      maxCustomers: 5,
      sessionMode: 'single',
      webacdAgent: false,
      consoleType: 'dashboard',
    });
  });

  it('ADM-1 multi-session needs both the site allowing it and the user privilege', () => {
    const privileged = userChanged({ multiSession: true });
    expect(effectiveSettings(fold(settingsDecider, [privileged]), CSR).sessionMode).toBe('single');
    expect(effectiveSettings(fold(settingsDecider, [siteChanged({ multiSessionAllowed: true })]), CSR).sessionMode).toBe('single');
    expect(effectiveSettings(fold(settingsDecider, [siteChanged({ multiSessionAllowed: true }), privileged]), CSR).sessionMode).toBe('multi');
  });

  it('ADM-1 the WebACD agent flag and co-browsing count only while WebACD is on', () => {
    const flagged = [siteChanged({ coBrowsingEnabled: true }), userChanged({ webacdAgent: true })];
    expect(effectiveSettings(fold(settingsDecider, flagged), CSR)).toMatchObject({ webacdAgent: false, coBrowsingEnabled: false });
    expect(effectiveSettings(fold(settingsDecider, [...flagged, siteChanged({ webacdEnabled: true })]), CSR)).toMatchObject({
      webacdAgent: true,
      coBrowsingEnabled: true,
    });
  });

  it('ADM-1 one user s settings do not leak to another', () => {
    const state = fold(settingsDecider, [siteChanged({ multiSessionAllowed: true }), userChanged({ multiSession: true, consoleType: 'multi_session' })]);
    expect(effectiveSettings(state, 'csr-other')).toMatchObject({ sessionMode: 'single', consoleType: 'dashboard' });
  });

  it('ADM-1 the later change wins when folded', () => {
    const state = fold(settingsDecider, [siteChanged({ maxCustomers: 10 }), siteChanged({ maxCustomers: 2 })]);
    expect(effectiveSettings(state, CSR).maxCustomers).toBe(2);
  });
});
