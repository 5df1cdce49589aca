import { Alert, Button, Checkbox, Divider, Group, Paper, Stack, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../components/errors';
import { type ConsoleUser, oidcManager, type SignInConfig, signInConfig, signInLocally } from '../../lib/console-auth';

const ROLES = ['csr', 'supervisor', 'admin', 'reporting'] as const;

/** Sign-in: OpenID Connect when the server has an identity provider; the marked local sign-in on the embedded default. */
export function SignIn({ onUser }: { onUser(u: ConsoleUser): void }) {
  const { t } = useTranslation();
  const [config, setConfig] = useState<SignInConfig>();
  const [userId, setUserId] = useState('');
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<string[]>(['csr']);
  const [agent, setAgent] = useState(false);
  const [error, setError] = useState<unknown>();
  useEffect(() => void signInConfig().then(setConfig, setError), []);

  const local = async (e: React.FormEvent) => {
    e.preventDefault();
    try {
      onUser(await signInLocally(userId, name, roles, agent ? { webacdAgent: true } : {}));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <Paper maw={520} mx="auto" p="lg" withBorder>
      <Stack>
        <Title order={1} size="h2">
          {t('console.signIn')}
        </Title>
        {config?.oidc && (
          <Button onClick={() => oidcManager(config.oidc!).signinRedirect().catch(setError)} data-testid="oidc-sign-in">
            {t('console.oidc')}
          </Button>
        )}
        {config?.oidc && config.localSignIn && <Divider />}
        {config && !config.localSignIn && !config.oidc && <Alert color="yellow">{t('console.localOff')}</Alert>}
        {config?.localSignIn && (
          <form onSubmit={local} aria-labelledby="local-title" data-testid="local-sign-in">
            <Stack>
              <Alert color="orange" styles={{ title: { color: 'var(--mantine-color-dark-8)' } }} title={<span id="local-title">{t('console.localTitle')}</span>}>
                {t('console.localWarning')}
              </Alert>
              <TextInput label={t('console.userId')} value={userId} onChange={(e) => setUserId(e.currentTarget.value)} required data-testid="sign-in-user" />
              <TextInput label={t('console.displayName')} value={name} onChange={(e) => setName(e.currentTarget.value)} data-testid="sign-in-name" />
              <Checkbox.Group label={t('console.roles')} value={roles} onChange={setRoles}>
                <Group mt={4}>
                  {ROLES.map((r) => (
                    <Checkbox key={r} value={r} label={r} data-testid={`role-${r}`} />
                  ))}
                </Group>
              </Checkbox.Group>
              <Checkbox label={t('console.agent')} checked={agent} onChange={(e) => setAgent(e.currentTarget.checked)} data-testid="sign-in-agent" />
              <Button type="submit" data-testid="sign-in-submit">
                {t('console.signIn')}
              </Button>
            </Stack>
          </form>
        )}
        {error !== undefined && (
          <Alert color="red" role="alert" data-testid="sign-in-error">
            {errorText(t, error)}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
