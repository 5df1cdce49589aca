import { Anchor, AppShell, Group, NativeSelect, Text, Title, useDirection } from '@mantine/core';
import { type ReactNode, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { directionOf, LANGUAGES } from '../i18n';

/** The frame of every page: the name, the language picker (which also sets the text direction), the page. */
export function Shell({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const { setDirection } = useDirection();
  useEffect(() => setDirection(directionOf(i18n.language)), [i18n.language, setDirection]);
  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <Anchor component={Link} to="/" underline="never" c="inherit">
              <Title order={2} size="h4">
                {t('app.name')}
              </Title>
            </Anchor>
            <Text size="sm" c="gray.7" visibleFrom="sm">
              {t('app.tagline')}
            </Text>
          </Group>
          <NativeSelect
            aria-label={t('app.language')}
            value={i18n.language}
            onChange={(e) => void i18n.changeLanguage(e.currentTarget.value)}
            data={LANGUAGES.map((l) => ({ value: l.code, label: l.label }))}
            size="xs"
            data-testid="language"
          />
        </Group>
      </AppShell.Header>
      {/* AppShell.Main is the page's one <main> landmark. */}
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
