import { useMutation, useQuery } from '@apollo/client/react';
import { Alert, Button, Card, Group, Stack, Switch, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { errorText } from '../../components/errors';
import type { ConsoleUser } from '../../lib/console-auth';
import { ACCEPT_OFFER, AVAILABILITY, DECLINE_OFFER, MY_OFFERS } from './operations';

/** WebACD: the agent's offers (accept or decline, Q-5) and their availability per queue. */
export default function OffersPage({ user }: { user: ConsoleUser }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { data, error, refetch } = useQuery(MY_OFFERS, { pollInterval: 1500, fetchPolicy: 'network-only' });
  const [accept, accepting] = useMutation(ACCEPT_OFFER);
  const [decline] = useMutation(DECLINE_OFFER);
  const [availability] = useMutation(AVAILABILITY);
  const mine = (data?.queues ?? []).filter((q) => (q.agents ?? []).some((a) => a.agentId === user.userId));
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('offers.title')}
      </Title>
      {error && <Alert color="red">{errorText(t, error)}</Alert>}
      {accepting.error && <Alert color="red">{errorText(t, accepting.error)}</Alert>}
      {mine.map((q) => {
        const available = q.agents?.find((a) => a.agentId === user.userId)?.available ?? false;
        return (
          <Switch
            key={q.id}
            label={`${t('offers.queue', { name: q.name })}: ${available ? t('offers.available') : t('offers.away')}`}
            checked={available}
            onChange={(e) => void availability({ variables: { queueId: q.id, available: e.currentTarget.checked } }).then(() => refetch())}
            data-testid={`availability-${q.id}`}
          />
        );
      })}
      {data?.myOffers.length === 0 && <Text>{t('offers.empty')}</Text>}
      <Stack data-testid="offers">
        {data?.myOffers.map((o) => (
          <Card withBorder key={o.offerId} data-testid="offer" data-kind={o.kind}>
            <Stack gap={4}>
              <Text fw={600}>
                {o.kind === 'handover' || o.kind === 'hand_over' ? t('offers.handOver') : t('offers.inbound')} · {t('offers.queue', { name: o.queueName })}
              </Text>
              {o.customerName && <Text>{o.customerName}</Text>}
              {o.problem && <Text>{o.problem}</Text>}
              {o.message && <Text data-testid="offer-message">{t('offers.message', { message: o.message })}</Text>}
              <Group>
                <Button
                  onClick={async () => {
                    const result = await accept({ variables: { queueId: o.queueId, offerId: o.offerId } });
                    if (result.data) navigate(`/console/sessions/${result.data.acceptOffer.id}`, { state: { after: result.data.acceptOffer.consistencyToken } });
                  }}
                  data-testid="offer-accept"
                >
                  {t('offers.accept')}
                </Button>
                <Button variant="outline" onClick={() => void decline({ variables: { queueId: o.queueId, offerId: o.offerId } }).then(() => refetch())} data-testid="offer-decline">
                  {t('offers.decline')}
                </Button>
              </Group>
            </Stack>
          </Card>
        ))}
      </Stack>
    </Stack>
  );
}
