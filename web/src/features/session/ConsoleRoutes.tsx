import { ApolloProvider, useQuery } from '@apollo/client/react';
import { Anchor, Button, Group, Loader, Text } from '@mantine/core';
import { lazy, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes, useNavigate, useParams } from 'react-router';
import { createApollo } from '../../lib/apollo';
import { type ConsoleUser, completeOidc, loadUser, saveUser, signInConfig } from '../../lib/console-auth';
import { Dashboard } from './Dashboard';
import { MultiSessionWindow } from './MultiSessionWindow';
import { MY_CONSOLE } from './operations';
import { SessionConsole } from './SessionConsole';
import { SignIn } from './SignIn';

const OffersPage = lazy(() => import('../offers/OffersPage'));
const SupervisorPage = lazy(() => import('../replay/SupervisorPage'));
const ReplayPage = lazy(() => import('../replay/ReplayPage'));
const ReportsPage = lazy(() => import('../reports/ReportsPage'));

/** `/console/...`: sign-in, then the CSR dashboard, sessions, offers, supervision and reports. */
export function ConsoleRoutes() {
  const [user, setUser] = useState<ConsoleUser | undefined>(() => loadUser());
  return (
    <Routes>
      <Route path="callback" element={<OidcCallback onUser={setUser} />} />
      <Route path="*" element={user ? <SignedIn user={user} onSignOut={() => (saveUser(undefined), setUser(undefined))} /> : <SignIn onUser={setUser} />} />
    </Routes>
  );
}

function OidcCallback({ onUser }: { onUser(u: ConsoleUser): void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [error, setError] = useState<string>();
  useEffect(() => {
    signInConfig()
      .then((c) => (c.oidc ? completeOidc(c.oidc) : Promise.reject(new Error('OpenID Connect is not configured'))))
      .then(
        (u) => {
          onUser(u);
          navigate('/console', { replace: true });
        },
        (e: Error) => setError(e.message),
      );
  }, []);
  return error ? <Text c="red.9">{error}</Text> : <Text>{t('console.oidcWorking')}</Text>;
}

function SignedIn({ user, onSignOut }: { user: ConsoleUser; onSignOut(): void }) {
  const { t } = useTranslation();
  const apollo = useMemo(() => createApollo(() => user.token), [user.token]);
  useEffect(() => () => apollo.close(), [apollo]);
  const has = (...roles: string[]) => roles.some((r) => user.roles.includes(r));
  return (
    <ApolloProvider client={apollo.client}>
      <Group justify="space-between" mb="md" component="nav" aria-label={t('console.nav')}>
        <Group gap="md">
          {has('csr') && (
            <Anchor component={Link} to="/console">
              {t('console.dashboard')}
            </Anchor>
          )}
          {has('csr') && (
            <Anchor component={Link} to="/console/offers" data-testid="nav-offers">
              {t('console.offers')}
            </Anchor>
          )}
          {has('supervisor', 'admin') && (
            <Anchor component={Link} to="/console/supervisor">
              {t('console.supervisor')}
            </Anchor>
          )}
          {has('reporting', 'supervisor') && (
            <Anchor component={Link} to="/console/reports">
              {t('console.reports')}
            </Anchor>
          )}
        </Group>
        <Group gap="xs">
          <Text size="sm" data-testid="signed-in-as">
            {user.name ?? user.userId} ({user.roles.join(', ')}){user.via === 'local' ? ' · local' : ''}
          </Text>
          <Button size="xs" variant="outline" onClick={onSignOut}>
            {t('console.signOut')}
          </Button>
        </Group>
      </Group>
      <Routes>
        <Route index element={has('csr') ? <CsrConsole user={user} /> : has('supervisor', 'admin') ? <SupervisorPage /> : <ReportsPage />} />
        <Route path="new" element={<CsrConsole user={user} starting />} />
        <Route path="sessions/:id" element={<CsrConsole user={user} />} />
        <Route path="offers" element={<OffersPage user={user} />} />
        <Route path="supervisor" element={<SupervisorPage />} />
        <Route path="supervisor/:id" element={<ReplayPage />} />
        <Route path="reports" element={<ReportsPage />} />
        <Route path="*" element={<Loader aria-label={t('app.loading')} />} />
      </Routes>
    </ApolloProvider>
  );
}

/**
 * CON-1: the CSR works from the console the admin chose: the dashboard, the compact tray, or
 * the multi-session window with a tab per session (MC-4). Asked of the server on every visit,
 * so the admin's switch applies at the next page load; the CSR cannot change it.
 */
function CsrConsole({ user, starting = false }: { user: ConsoleUser; starting?: boolean }) {
  const { t } = useTranslation();
  const { id } = useParams();
  const { data } = useQuery(MY_CONSOLE, { fetchPolicy: 'cache-first' });
  if (!data) return <Loader aria-label={t('app.loading')} />;
  const type = data.whoami.consoleType;
  if (type === 'multi_session') return <MultiSessionWindow user={user} selectedId={starting ? 'new' : id} />;
  if (id) return <SessionConsole key={id} user={user} sessionId={id} layout={type === 'compact' ? 'compact' : 'dashboard'} />;
  return <Dashboard user={user} />;
}
