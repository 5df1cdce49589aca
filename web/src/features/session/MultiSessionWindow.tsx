import { useQuery } from '@apollo/client/react';
import { Stack, Tabs, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { ConsoleUser } from '../../lib/console-auth';
import { formatNumber } from '../join/CustomerSession';
import { StartSession } from './Dashboard';
import { MY_SESSIONS } from './operations';
import { SessionConsole } from './SessionConsole';

/** The tab (and `selectedId`) for starting another session. */
export const NEW = 'new';

/**
 * CON-1 `multi_session` / MC-4: the multi-session window, each session (and so each customer)
 * in a tab of its own, and a last tab to start another. Every session's console stays mounted
 * while the window is open, so each keeps its signalling socket and presence (SES-5).
 */
export function MultiSessionWindow({ user, selectedId }: { user: ConsoleUser; selectedId?: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { data } = useQuery(MY_SESSIONS, { pollInterval: 5000 });
  const sessions = data?.mySessions ?? [];
  // A session just opened by its link may not be in the polled list yet: it gets its tab anyway.
  const ids = [...sessions.map((s) => s.id), ...(selectedId && selectedId !== NEW && !sessions.some((s) => s.id === selectedId) ? [selectedId] : [])];
  const active = selectedId ?? ids[0] ?? NEW;
  const label = (id: string) => {
    const s = sessions.find((x) => x.id === id);
    if (!s) return '…';
    const customers = s.participants.filter((p) => p.place === 'customer').map((p) => p.displayName ?? p.userId);
    return customers.length > 0 ? customers.join(', ') : formatNumber(s.number);
  };
  return (
    <Stack data-testid="multi-session">
      <Title order={1} size="h2">
        {t('console.multiTitle')}
      </Title>
      <Tabs value={active} onChange={(v) => navigate(v && v !== NEW ? `/console/sessions/${v}` : '/console/new')} keepMounted>
        <Tabs.List aria-label={t('console.multiTabs')}>
          {ids.map((id) => (
            <Tabs.Tab key={id} value={id} data-testid={`session-tab-${id}`}>
              {label(id)}
            </Tabs.Tab>
          ))}
          <Tabs.Tab value={NEW} data-testid="session-tab-new">
            {t('console.start')}
          </Tabs.Tab>
        </Tabs.List>
        {ids.map((id) => (
          <Tabs.Panel key={id} value={id} pt="sm" data-testid={`session-panel-${id}`}>
            <SessionConsole user={user} sessionId={id} headingOrder={2} />
          </Tabs.Panel>
        ))}
        <Tabs.Panel value={NEW} pt="sm">
          <Stack>
            {ids.length === 0 && <Text>{t('console.noSessions')}</Text>}
            <StartSession onStarted={(id, after) => navigate(`/console/sessions/${id}`, { state: { after } })} />
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
