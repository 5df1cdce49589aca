import { Button, Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** `/`: the site address the mail and the phone script give customers. */
export function HomePage() {
  const { t } = useTranslation();
  return (
    <Stack maw={900} mx="auto">
      <Title order={1}>{t('home.title')}</Title>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Card withBorder>
          <Stack>
            <Title order={2} size="h3">
              {t('home.customer')}
            </Title>
            <Text>{t('home.customerText')}</Text>
            <Button component={Link} to="/join">
              {t('join.submit')}
            </Button>
          </Stack>
        </Card>
        <Card withBorder>
          <Stack>
            <Title order={2} size="h3">
              {t('home.console')}
            </Title>
            <Text>{t('home.consoleText')}</Text>
            <Button component={Link} to="/console" variant="outline">
              {t('console.signIn')}
            </Button>
          </Stack>
        </Card>
      </SimpleGrid>
    </Stack>
  );
}
