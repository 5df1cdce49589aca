import { useQuery } from '@apollo/client/react';
import { Alert, Badge, Card, Code, Grid, Group, List, Loader, ScrollArea, Slider, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { errorText } from '../../components/errors';
import { loadUser } from '../../lib/console-auth';
import { HISTORY } from './operations';
import { RecordingsPanel } from './RecordingsPanel';

interface ReplayState {
  status?: string;
  controllerId?: string | null;
  csrs?: Record<string, string>;
  customers?: { customerId: string; displayName: string | null }[];
  activities?: { shares?: { kind: string; mode: string; status: string }[]; recording?: unknown; chatOpen?: boolean; video?: unknown; voiceCall?: unknown };
}

/** RPT-2: a session's timeline, a scrubber showing the state after any event, and the chain verdict. */
export default function ReplayPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { data, error } = useQuery(HISTORY, { variables: { id }, fetchPolicy: 'network-only' });
  const [position, setPosition] = useState<number>();
  if (error) return <Alert color="red">{errorText(t, error)}</Alert>;
  if (!data) return <Loader aria-label="…" />;
  const { items, chain } = data.sessionHistory;
  const n = Math.min(position ?? items.length, items.length);
  const event = items[n - 1];
  const state = event ? (JSON.parse(event.stateJson) as ReplayState) : {};
  const broken = chain.brokenAt ? items.find((e) => e.version === chain.brokenAt!.version) : undefined;
  const queues = [
    ...new Set(
      items
        .filter((e) => e.type === 'HandedToQueue')
        .map((e) => (JSON.parse(e.dataJson) as { target?: { queueId?: string } }).target?.queueId)
        .filter(Boolean),
    ),
  ];

  return (
    <Stack>
      <Title order={1} size="h2">
        {t('replay.timeline')}
      </Title>
      <Alert color={chain.intact ? 'green' : 'red'} data-testid="chain-verdict" data-intact={chain.intact ? 'yes' : 'no'} data-broken-version={chain.brokenAt?.version ?? ''}>
        {chain.intact ? t('replay.chainOk') : t('replay.chainBroken', { n: (chain.brokenAt?.version ?? 0) + 1, type: broken?.type ?? chain.brokenAt?.id })}
      </Alert>
      <RecordingsPanel sessionId={id} token={loadUser()?.token ?? ''} selectedAt={position === undefined ? undefined : event?.at} />
      {queues.length > 0 && (
        <Text>
          {t('replay.queues')}: {queues.join(', ')}
        </Text>
      )}
      <Card withBorder>
        <Text id="scrubber-label">{t('replay.event', { n, total: items.length })}</Text>
        <Slider
          min={1}
          max={Math.max(1, items.length)}
          step={1}
          value={n}
          onChange={setPosition}
          label={(v) => v}
          thumbLabel={t('replay.event', { n, total: items.length })}
          data-testid="scrubber"
          mt="xs"
        />
      </Card>
      <Grid>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Card withBorder data-testid="state" data-version={event?.version ?? ''}>
            <Title order={2} size="h4">
              {t('replay.stateAfter', { n })}
            </Title>
            <Group gap="xs">
              <Badge>{state.status}</Badge>
              <Text>
                {t('replay.controller')}: <span data-testid="state-controller">{state.controllerId ?? t('replay.none')}</span>
              </Text>
            </Group>
            <Text fw={600} mt="xs">
              {t('session.participants')}
            </Text>
            <List data-testid="state-participants">
              {Object.entries(state.csrs ?? {}).map(([u, place]) => (
                <List.Item key={u}>
                  {u} ({t(`session.place.${place}`, { defaultValue: place })})
                </List.Item>
              ))}
              {(state.customers ?? []).map((c) => (
                <List.Item key={c.customerId}>
                  {c.displayName ?? c.customerId} ({t('session.place.customer')})
                </List.Item>
              ))}
            </List>
            <Text fw={600} mt="xs">
              {t('replay.activities')}
            </Text>
            <Text size="sm">
              {(state.activities?.shares ?? []).map((s) => `${t(`share.kind.${s.kind}`)} ${t(`share.mode.${s.mode}`)} (${s.status})`).join(', ') || t('replay.none')}
            </Text>
            <Text size="sm">
              {t('replay.recording')}: {state.activities?.recording ? '●' : t('replay.none')}
            </Text>
            <details>
              <summary>JSON</summary>
              <Code block data-testid="state-json">
                {event?.stateJson ?? '{}'}
              </Code>
            </details>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <ScrollArea h={420}>
            <Table data-testid="timeline" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>#</Table.Th>
                  <Table.Th>{t('replay.what')}</Table.Th>
                  <Table.Th>{t('replay.who')}</Table.Th>
                  <Table.Th>{t('replay.when')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((e, i) => (
                  <Table.Tr
                    key={e.id}
                    onClick={() => setPosition(i + 1)}
                    bg={i + 1 === n ? 'var(--mantine-color-blue-light)' : chain.brokenAt?.version === e.version ? 'var(--mantine-color-red-light)' : undefined}
                    data-version={e.version}
                    style={{ cursor: 'pointer' }}
                  >
                    <Table.Td>{i + 1}</Table.Td>
                    <Table.Td>{e.type}</Table.Td>
                    <Table.Td>{e.by ?? '—'}</Table.Td>
                    <Table.Td>{new Date(e.at).toLocaleTimeString()}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
