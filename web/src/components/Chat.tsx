import { useMutation, useQuery } from '@apollo/client/react';
import { Button, Group, NativeSelect, Paper, ScrollArea, Stack, Text, TextInput, Title } from '@mantine/core';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CHAT, SEND_CHAT } from '../features/session/operations';
import type { SessionFieldsFragment } from '../gql/graphql';
import { nameOf } from './Participants';
import { errorText } from './errors';

/** TL-1: the session's chat, to everyone or to one participant; refreshed with every session change. */
export function Chat({ session, me }: { session: SessionFieldsFragment; me: string }) {
  const { t } = useTranslation();
  const titleId = useId();
  const [text, setText] = useState('');
  const [to, setTo] = useState('');
  const { data, refetch } = useQuery(CHAT, { variables: { sessionId: session.id, after: -1 }, pollInterval: 3000 });
  const [send, { loading, error }] = useMutation(SEND_CHAT);
  const messages = data?.chatMessages.items ?? [];
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    await send({ variables: { id: session.id, text, to: to || null } });
    setText('');
    await refetch();
  };
  return (
    <section aria-labelledby={titleId}>
      <Title order={2} size="h4" id={titleId}>
        {t('chat.title')}
      </Title>
      <Paper withBorder p="xs">
        <ScrollArea h={180} data-testid="chat-messages" aria-live="polite">
          {messages.length === 0 && <Text c="gray.7">{t('chat.empty')}</Text>}
          {messages.map((m) => (
            <Text key={m.messageId} size="sm" data-testid="chat-message">
              <b>{nameOf(session, m.from)}</b>
              {m.to ? ` → ${nameOf(session, m.to)}` : ''}: {m.text}
            </Text>
          ))}
        </ScrollArea>
      </Paper>
      <form onSubmit={submit}>
        <Stack gap={4} mt="xs">
          <Group align="end" wrap="nowrap">
            <TextInput label={t('chat.message')} value={text} onChange={(e) => setText(e.currentTarget.value)} style={{ flex: 1 }} data-testid="chat-input" />
            <NativeSelect
              label={t('chat.to')}
              value={to}
              onChange={(e) => setTo(e.currentTarget.value)}
              data={[
                { value: '', label: t('chat.everyone') },
                ...session.participants.filter((p) => p.userId !== me).map((p) => ({ value: p.userId, label: p.displayName ?? p.userId })),
              ]}
            />
            <Button type="submit" loading={loading} data-testid="chat-send">
              {t('chat.send')}
            </Button>
          </Group>
          {error && <Text c="red.9">{errorText(t, error)}</Text>}
        </Stack>
      </form>
    </section>
  );
}
