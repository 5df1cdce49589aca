import { Badge, Group, List, Text, Title } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionFieldsFragment } from '../gql/graphql';

/** Who is in the session (MC-1: every customer, the active one marked). */
export function Participants({ session, me, action }: { session: SessionFieldsFragment; me: string; action?: (userId: string) => React.ReactNode }) {
  const { t } = useTranslation();
  const titleId = useId();
  return (
    <section aria-labelledby={titleId}>
      <Title order={2} size="h4" id={titleId}>
        {t('session.participants')}
      </Title>
      <List listStyleType="none" data-testid="participants" spacing={4}>
        {session.participants.map((p) => (
          <List.Item key={p.userId} data-user={p.userId} data-place={p.place}>
            <Group gap="xs" wrap="nowrap">
              <Text span fw={500}>
                {p.displayName ?? p.userId}
              </Text>
              <Badge variant="light" color="gray" c="dark.7">
                {t(`session.place.${p.place}`, { defaultValue: p.place })}
              </Badge>
              {p.userId === me && (
                <Text span size="sm">
                  ({t('session.you')})
                </Text>
              )}
              {p.userId === session.activeCustomerId && (
                <Badge variant="outline" c="teal.9">
                  {t('session.active')}
                </Badge>
              )}
              {action?.(p.userId)}
            </Group>
          </List.Item>
        ))}
      </List>
    </section>
  );
}

/** A participant's name for display. */
export const nameOf = (session: SessionFieldsFragment, userId: string) => session.participants.find((p) => p.userId === userId)?.displayName ?? userId;
