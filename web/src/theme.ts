import { type CSSVariablesResolver, createTheme } from '@mantine/core';

/**
 * Mantine's default filled blue fails WCAG AA contrast with white text (3.55:1): the primary
 * shade is two steps darker (blue 8 on light backgrounds, about 5.9:1).
 */
export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: { light: 8, dark: 8 },
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Arabic", sans-serif',
  defaultRadius: 'sm',
});

/**
 * Mantine's "dimmed" text (input descriptions, hints) is gray 6, 3.3:1 on white: below WCAG AA.
 * Gray 7 keeps it quieter than body text at about 7:1.
 */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' },
  dark: { '--mantine-color-dimmed': 'var(--mantine-color-gray-4)' },
});
