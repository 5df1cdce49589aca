import { useMutation, useQuery } from '@apollo/client/react';
import { Alert, Button, Card, Checkbox, Group, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { errorText } from '../../components/errors';
import type { ConsoleUser } from '../../lib/console-auth';
import { formatNumber } from '../join/CustomerSession';
import { MY_SESSIONS, START_SESSION } from './operations';

/** Starting a session with invitations (SES-1, SES-4); `onStarted` gets the new session's id and its consistency token. */
export function StartSession({ onStarted }: { onStarted(id: string, consistencyToken: string | null | undefined): void }) {
  const { t } = useTranslation();
  const titleId = useId();
  const [start, { loading, error }] = useMutation(START_SESSION, { refetchQueries: [MY_SESSIONS] });
  const [emailIt, setEmailIt] = useState(true);
  const [email, setEmail] = useState('');

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const invitations = emailIt && email.trim() ? [{ invitee: 'customer' as const, channel: 'email' as const, address: email.trim(), delivery: 'system' as const }] : [];
    const result = await start({ variables: { invitations } }).catch(() => undefined);
    if (result?.data) onStarted(result.data.startSession.id, result.data.startSession.consistencyToken);
  };

  return (
    <Card withBorder>
      <form onSubmit={submit} aria-labelledby={titleId}>
        <Stack>
          <Title order={2} size="h4" id={titleId}>
            {t('console.start')}
          </Title>
          <Checkbox label={t('console.inviteEmail')} checked={emailIt} onChange={(e) => setEmailIt(e.currentTarget.checked)} data-testid="start-email-box" />
          {emailIt && <TextInput type="email" label={t('console.email')} value={email} onChange={(e) => setEmail(e.currentTarget.value)} data-testid="start-email" />}
          {error && <Alert color="red">{errorText(t, error)}</Alert>}
          <Group>
            <Button type="submit" loading={loading} data-testid="start-session">
              {t('console.startButton')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

/** The CSR's dashboard (CON-1 `dashboard` and `compact`): their live sessions, and starting one. */
export function Dashboard({ user }: { user: ConsoleUser }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { data } = useQuery(MY_SESSIONS, { pollInterval: 5000 });

  return (
    <Stack>
      <Title order={1} size="h2">
        {t('console.title')}
      </Title>
      <StartSession onStarted={(id, after) => navigate(`/console/sessions/${id}`, { state: { after } })} />
      <section aria-labelledby="mine-title">
        <Title order={2} size="h4" id="mine-title">
          {t('console.dashboard')}
        </Title>
        {data?.mySessions.length === 0 && <Text>{t('console.noSessions')}</Text>}
        {(data?.mySessions.length ?? 0) > 0 && (
          <Table data-testid="my-sessions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('csr.number')}</Table.Th>
                <Table.Th>{t('session.participants')}</Table.Th>
                <Table.Th>{t('replay.status')}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t('app.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data?.mySessions.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>{formatNumber(s.number)}</Table.Td>
                  <Table.Td>{s.participants.map((p) => p.displayName ?? p.userId).join(', ')}</Table.Td>
                  <Table.Td>{s.controllerId === user.userId ? t('csr.controller') : t('csr.observer')}</Table.Td>
                  <Table.Td>
                    <Button component={Link} to={`/console/sessions/${s.id}`} size="xs" variant="outline">
                      {t('console.open')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </section>
    </Stack>
  );
}
