import { useApolloClient, useLazyQuery, useMutation } from '@apollo/client/react';
import { Alert, Button, Card, Group, Progress, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../components/errors';
import { loadUser } from '../../lib/console-auth';
import { ACTIVITY, EXPORT_STATUS, REQUEST_EXPORT } from './operations';

const ActivityChart = lazy(() => import('./ActivityChart'));

const day = (d: Date) => d.toISOString().slice(0, 10);

/** RPT-1: the CSR activity report with its filters, a chart per CSR, and the CSV export with its progress. */
export default function ReportsPage() {
  const { t } = useTranslation();
  const client = useApolloClient();
  const [form, setForm] = useState({ from: day(new Date(Date.now() - 7 * 86_400_000)), to: day(new Date(Date.now() + 86_400_000)), csrId: '', queueId: '' });
  const [run, { data, error, loading }] = useLazyQuery(ACTIVITY, { fetchPolicy: 'network-only' });
  const [requestExport] = useMutation(REQUEST_EXPORT);
  const [exporting, setExporting] = useState<{ progress: number; done?: string; error?: unknown }>();
  const variables = () => ({ from: new Date(form.from).toISOString(), to: new Date(form.to).toISOString(), csrId: form.csrId || null, queueId: form.queueId || null });

  const exportCsv = async () => {
    setExporting({ progress: 0 });
    try {
      const { data: started } = await requestExport({ variables: variables() });
      const id = started!.requestActivityExport;
      for (;;) {
        const { data: status } = await client.query({ query: EXPORT_STATUS, variables: { id }, fetchPolicy: 'network-only' });
        const s = status!.reportExport;
        setExporting({ progress: Math.round(s.progress * 100) });
        if (s.status === 'failed') throw new Error(s.error ?? 'export failed');
        if (s.status === 'done') break;
        await new Promise((r) => setTimeout(r, 500));
      }
      // The file needs the bearer token: fetched with it, then handed to the browser as a blob.
      const res = await fetch(`/api/v1/reports/exports/${id}/file`, { headers: { authorization: `Bearer ${loadUser()?.token ?? ''}` } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      setExporting({ progress: 100, done: URL.createObjectURL(await res.blob()) });
    } catch (err) {
      setExporting({ progress: 0, error: err });
    }
  };

  const rows = data?.csrActivityReport ?? [];
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('reports.title')}
      </Title>
      <form
        aria-label={t('replay.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          void run({ variables: variables() });
        }}
      >
        <Group align="end">
          <TextInput type="date" label={t('replay.from')} value={form.from} onChange={(e) => setForm({ ...form, from: e.currentTarget.value })} data-testid="report-from" />
          <TextInput type="date" label={t('replay.to')} value={form.to} onChange={(e) => setForm({ ...form, to: e.currentTarget.value })} data-testid="report-to" />
          <TextInput label={t('replay.csr')} value={form.csrId} onChange={(e) => setForm({ ...form, csrId: e.currentTarget.value })} data-testid="report-csr" />
          <TextInput label={t('replay.queue')} value={form.queueId} onChange={(e) => setForm({ ...form, queueId: e.currentTarget.value })} />
          <Button type="submit" loading={loading} data-testid="report-run">
            {t('reports.run')}
          </Button>
          <Button variant="outline" onClick={() => void exportCsv()} data-testid="report-export">
            {t('reports.export')}
          </Button>
        </Group>
      </form>
      {error && <Alert color="red">{errorText(t, error)}</Alert>}
      {exporting && (
        <Card withBorder data-testid="export" data-progress={exporting.progress} data-done={exporting.done ? 'yes' : 'no'}>
          <Text>{t('reports.exporting', { progress: exporting.progress })}</Text>
          <Progress value={exporting.progress} aria-label={t('reports.exporting', { progress: exporting.progress })} />
          {exporting.done && (
            <Button component="a" href={exporting.done} download="csr-activity.csv" mt="xs" data-testid="export-download">
              {t('reports.download')}
            </Button>
          )}
          {exporting.error !== undefined && <Text c="red.9">{errorText(t, exporting.error)}</Text>}
        </Card>
      )}
      {data && rows.length === 0 && <Text data-testid="report-empty">{t('reports.empty')}</Text>}
      {rows.length > 0 && (
        <>
          <Card withBorder data-testid="report-chart">
            <Title order={2} size="h4">
              {t('reports.chart')}
            </Title>
            <Suspense fallback={null}>
              <ActivityChart rows={rows} labels={{ sessions: t('reports.sessions'), handleTime: t('reports.handleTime'), title: t('reports.chart') }} />
            </Suspense>
          </Card>
          <Table data-testid="report-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('replay.csr')}</Table.Th>
                <Table.Th>{t('reports.sessions')}</Table.Th>
                <Table.Th>{t('reports.handleTime')}</Table.Th>
                <Table.Th>{t('csr.transfer')}</Table.Th>
                <Table.Th>{t('csr.handOver')}</Table.Th>
                <Table.Th>{t('csr.notes')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.csrId} data-csr={r.csrId}>
                  <Table.Td>{r.csrId}</Table.Td>
                  <Table.Td>{r.sessions}</Table.Td>
                  <Table.Td>{Math.round(r.handleTimeTotalMs / 600) / 100}</Table.Td>
                  <Table.Td>{r.transfersGiven}</Table.Td>
                  <Table.Td>{r.handOvers}</Table.Td>
                  <Table.Td>{r.notes.length}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </Stack>
  );
}
