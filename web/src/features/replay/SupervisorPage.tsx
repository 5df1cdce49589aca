import { useQuery } from '@apollo/client/react';
import { Alert, Button, Group, NativeSelect, Stack, Table, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { errorText } from '../../components/errors';
import { FILTER_QUEUES, SESSIONS } from './operations';

/** RPT-2 for supervisors: every session, filtered by CSR, customer, queue it passed through, period and status. */
export default function SupervisorPage() {
  const { t } = useTranslation();
  const [form, setForm] = useState({ csrId: '', customerId: '', queueId: '', from: '', to: '', status: '' });
  const [filter, setFilter] = useState(form);
  const { data, error } = useQuery(SESSIONS, {
    variables: {
      offset: 0,
      status: filter.status || null,
      csrId: filter.csrId || null,
      customerId: filter.customerId || null,
      queueId: filter.queueId || null,
      from: filter.from ? new Date(filter.from).toISOString() : null,
      to: filter.to ? new Date(filter.to).toISOString() : null,
    },
    fetchPolicy: 'network-only',
  });
  const { data: queues } = useQuery(FILTER_QUEUES);
  const field = (name: keyof typeof form) => ({
    value: form[name],
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setForm({ ...form, [name]: e.currentTarget.value }),
  });
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('replay.title')}
      </Title>
      <form
        aria-label={t('replay.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          setFilter(form);
        }}
      >
        <Group align="end">
          <TextInput label={t('replay.csr')} {...field('csrId')} data-testid="filter-csr" />
          <TextInput label={t('replay.customer')} {...field('customerId')} data-testid="filter-customer" />
          <NativeSelect
            label={t('replay.queue')}
            {...field('queueId')}
            data={[{ value: '', label: t('replay.any') }, ...(queues?.queues ?? []).map((q) => ({ value: q.id, label: q.name }))]}
            data-testid="filter-queue"
          />
          <TextInput type="date" label={t('replay.from')} {...field('from')} />
          <TextInput type="date" label={t('replay.to')} {...field('to')} />
          <NativeSelect
            label={t('replay.status')}
            {...field('status')}
            data={[{ value: '', label: t('replay.any') }, ...['active', 'queued', 'ended'].map((s) => ({ value: s, label: t(`session.status.${s}`) }))]}
            data-testid="filter-status"
          />
          <Button type="submit" data-testid="filter-apply">
            {t('replay.apply')}
          </Button>
        </Group>
      </form>
      {error && <Alert color="red">{errorText(t, error)}</Alert>}
      <Table data-testid="sessions">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('csr.number')}</Table.Th>
            <Table.Th>{t('replay.status')}</Table.Th>
            <Table.Th>{t('replay.when')}</Table.Th>
            <Table.Th>{t('session.participants')}</Table.Th>
            <Table.Th>
              <VisuallyHidden>{t('app.actions')}</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {data?.sessions.items.map((s) => (
            <Table.Tr key={s.id} data-session={s.id}>
              <Table.Td>{s.number}</Table.Td>
              <Table.Td>{t(`session.status.${s.status}`, { defaultValue: s.status })}</Table.Td>
              <Table.Td>{new Date(s.startedAt).toLocaleString()}</Table.Td>
              <Table.Td>{s.participants.map((p) => p.displayName ?? p.userId).join(', ')}</Table.Td>
              <Table.Td>
                <Button component={Link} to={`/console/supervisor/${s.id}`} size="xs" variant="outline" data-testid={`replay-${s.id}`}>
                  {t('replay.open')}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
