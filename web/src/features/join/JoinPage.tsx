import { Alert, Button, Paper, Stack, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { errorText } from '../../components/errors';
import { type CustomerCredential, joinByInvitation, joinByNumber, loadCredential, saveCredential } from './credential';
import { CustomerSession } from './CustomerSession';

/**
 * The invitation token arrives in the fragment (`#invitation=...`): read once, then taken out of
 * the address bar and history, so it is neither bookmarked nor shown again.
 */
function takeInvitationToken(): string | undefined {
  const token = new URLSearchParams(location.hash.slice(1)).get('invitation') ?? undefined;
  if (token) history.replaceState(history.state, '', location.pathname + location.search);
  return token;
}
let invitationToken = typeof location === 'undefined' ? undefined : takeInvitationToken();

/** `/join` and `/join/<number>`: a customer without an account gives a name and joins (INV-3, INV-4). */
export function JoinPage() {
  const { t } = useTranslation();
  const params = useParams();
  const [credential, setCredential] = useState<CustomerCredential | undefined>(() => loadCredential());
  const [number, setNumber] = useState(params.number ?? '');
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<'left' | 'ended'>();
  const invited = invitationToken !== undefined;

  const done = (reason: 'left' | 'ended') => {
    saveCredential(undefined);
    setCredential(undefined);
    setOutcome(reason);
  };

  if (credential) return <CustomerSession credential={credential} onCredential={(c) => (saveCredential(c), setCredential(c))} onDone={done} />;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const token = invitationToken;
      const c = token ? await joinByInvitation(token, name) : await joinByNumber(number, name);
      invitationToken = undefined;
      saveCredential(c);
      setCredential(c);
      setOutcome(undefined);
    } catch (err) {
      // A dead invitation link: the customer can still type the number.
      if (invitationToken) invitationToken = undefined;
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Paper maw={480} mx="auto" p="lg" withBorder>
      <form onSubmit={submit} aria-labelledby="join-title">
        <Stack>
          <Title order={1} size="h2" id="join-title">
            {t('join.title')}
          </Title>
          {outcome && <Alert color="blue" title={t(outcome === 'left' ? 'join.left' : 'join.ended')} />}
          {invited && <Alert color="blue">{t('join.invited')}</Alert>}
          {!invited && (
            <TextInput
              label={t('join.number')}
              description={t('join.numberHint')}
              value={number}
              onChange={(e) => setNumber(e.currentTarget.value)}
              inputMode="numeric"
              autoComplete="off"
              required
              data-testid="join-number"
            />
          )}
          <TextInput
            label={t('join.name')}
            description={t('join.nameHint')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            autoComplete="name"
            required
            data-testid="join-name"
          />
          {error !== undefined && (
            <Alert color="red" role="alert" data-testid="join-error">
              {errorText(t, error)}
            </Alert>
          )}
          <Button type="submit" loading={busy} data-testid="join-submit">
            {t('join.submit')}
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}
