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
export const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    // Placeholders (a file picker's "choose a file") are gray 5 by default: 2.6:1.
    '--mantine-color-placeholder': 'var(--mantine-color-gray-7)',
    // Light variants (alerts, badges) draw text in shade 6 on a pale tint of the same colour,
    // under 4.5:1 for orange, yellow, green and others: shade 9 passes for every colour.
    ...Object.fromEntries(Object.keys(t.colors).map((c) => [`--mantine-color-${c}-light-color`, `var(--mantine-color-${c}-9)`])),
  },
  dark: { '--mantine-color-dimmed': 'var(--mantine-color-gray-4)' },
});
