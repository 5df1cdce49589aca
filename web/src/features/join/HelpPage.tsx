import { Alert, Button, Loader, Paper, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { errorText } from '../../components/errors';
import { claimsOf, rest } from '../../lib/rest';
import { type CustomerCredential, saveCredential } from './credential';
import { CustomerSession } from './CustomerSession';

interface Ticket {
  itemId: string;
  customerId: string;
  token: string;
  position: number;
  estimatedWaitMs: number | null;
}

/** `/help/<queue>`: the inbound help form (SES-2, Q-6): place in line and estimated wait, then the session. */
export default function HelpPage() {
  const { t } = useTranslation();
  const { queueId = '' } = useParams();
  const [form, setForm] = useState({ name: '', email: '', problem: '' });
  const [ticket, setTicket] = useState<Ticket>();
  const [credential, setCredential] = useState<CustomerCredential>();
  const [error, setError] = useState<unknown>();
  const [ended, setEnded] = useState(false);

  // Waiting: the session starts when an agent accepts, with this customer already in it.
  useEffect(() => {
    if (!ticket || credential) return;
    const timer = window.setInterval(async () => {
      try {
        const answer = await rest<{ data?: { mySessions: { id: string }[] } }>('/graphql', {
          token: ticket.token,
          body: { query: '{ mySessions(status: "active", limit: 1) { id } }' },
        });
        const session = answer.data?.mySessions[0];
        if (session) {
          const exp = claimsOf(ticket.token).exp ?? Date.now() / 1000 + 3600;
          const c = { token: ticket.token, sessionId: session.id, customerId: ticket.customerId, expiresAt: new Date(exp * 1000).toISOString() };
          saveCredential(c);
          setCredential(c);
        }
      } catch {
        // tried again on the next tick
      }
    }, 2000);
    return () => window.clearInterval(timer);
  }, [ticket, credential]);

  if (credential) return <CustomerSession credential={credential} onCredential={setCredential} onDone={() => (setCredential(undefined), setTicket(undefined), setEnded(true))} />;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      setTicket(await rest<Ticket>('/api/v1/inbound', { body: { queueId, ...form, originUrl: document.referrer || location.href } }));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <Paper maw={520} mx="auto" p="lg" withBorder>
      <Stack>
        <Title order={1} size="h2">
          {t('help.title')}
        </Title>
        {ended && <Alert color="blue">{t('join.ended')}</Alert>}
        {ticket ? (
          <Stack data-testid="help-waiting">
            <Text data-testid="help-place">{t('help.place', { place: ticket.position })}</Text>
            {ticket.estimatedWaitMs !== null && <Text data-testid="help-wait">{t('help.wait', { minutes: Math.max(1, Math.round(ticket.estimatedWaitMs / 60_000)) })}</Text>}
            <Text>
              <Loader size="xs" aria-hidden /> {t('help.waiting')}
            </Text>
          </Stack>
        ) : (
          <form onSubmit={submit}>
            <Stack>
              <TextInput
                label={t('join.name')}
                value={form.name}
                onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
                required
                autoComplete="name"
                data-testid="help-name"
              />
              <TextInput
                type="email"
                label={t('console.email')}
                value={form.email}
                onChange={(e) => setForm({ ...form, email: e.currentTarget.value })}
                required
                autoComplete="email"
                data-testid="help-email"
              />
              <Textarea
                label={t('help.title')}
                value={form.problem}
                onChange={(e) => setForm({ ...form, problem: e.currentTarget.value })}
                required
                autosize
                minRows={3}
                data-testid="help-problem"
              />
              {error !== undefined && <Alert color="red">{errorText(t, error)}</Alert>}
              <Button type="submit" data-testid="help-submit">
                {t('help.submit')}
              </Button>
            </Stack>
          </form>
        )}
      </Stack>
    </Paper>
  );
}
