import { useMutation } from '@apollo/client/react';
import { Alert, Button, Card, FileInput, Group, Modal, NativeSelect, Progress, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../components/errors';
import { nameOf } from '../../components/Participants';
import type { SessionFieldsFragment } from '../../gql/graphql';
import { rest } from '../../lib/rest';
import { formatBytes } from './messages';
import { APPROVE_FILE_TRANSFER, DECLINE_FILE_TRANSFER, END_FILE_TRANSFER, REQUEST_FILE_TRANSFER } from './operations';
import { downloadFile, type StoredFile, uploadFile } from './transfer';

interface Props {
  session: SessionFieldsFragment;
  /** The signed-in user (a CSR) or the customer. */
  me: string;
  token(): string;
  controlling: boolean;
}

interface Moving {
  name: string;
  direction: 'up' | 'down';
  done: number;
  total: number;
}

/**
 * The session's files (TL-3, TL-4) for the CSR's console and the customer's page: the files you
 * may download, each saved with a progress bar; uploads with a progress bar (tus); the controller
 * publishes to everyone or sends within an approved transfer; a customer sends only within a
 * transfer they allowed, and is asked first. Every rule is the server's: the panel shows its codes.
 */
export function FilesPanel({ session, me, token, controlling }: Props) {
  const { t, i18n } = useTranslation();
  const [files, setFiles] = useState<StoredFile[]>([]);
  const [problem, setProblem] = useState<unknown>();
  const [moving, setMoving] = useState<Moving>();
  const [picked, setPicked] = useState<File | null>(null);
  const [target, setTarget] = useState('');
  const [requestTransfer] = useMutation(REQUEST_FILE_TRANSFER);
  const [endTransfer] = useMutation(END_FILE_TRANSFER);

  // The list follows the session: FilePublished / FileSent / FileExpired each bump its version.
  useEffect(() => {
    if (session.status === 'ended') return;
    let live = true;
    rest<StoredFile[]>(`/api/v1/sessions/${encodeURIComponent(session.id)}/files`, { token: token() }).then(
      (list) => live && setFiles(list),
      (err) => live && setProblem(err),
    );
    return () => {
      live = false;
    };
  }, [session.id, session.version, session.status]);

  const transfers = session.activities?.fileTransfers ?? [];
  const approvedForMe = transfers.find((x) => x.status === 'approved' && x.customerId === me);
  const approved = transfers.filter((x) => x.status === 'approved');
  const canSend = session.status === 'active' && (controlling || approvedForMe !== undefined);
  // The controller publishes to everyone, or sends back within an approved transfer; a customer sends in theirs.
  const transferId = controlling ? target || undefined : approvedForMe?.transferId;

  const send = async () => {
    if (!picked) return;
    setProblem(undefined);
    setMoving({ name: picked.name, direction: 'up', done: 0, total: picked.size });
    try {
      await uploadFile(session.id, picked, token, (done, total) => setMoving({ name: picked.name, direction: 'up', done, total }), transferId);
      setPicked(null);
      setFiles(await rest<StoredFile[]>(`/api/v1/sessions/${encodeURIComponent(session.id)}/files`, { token: token() }));
    } catch (err) {
      setProblem(err);
    } finally {
      setMoving(undefined);
    }
  };
  const save = async (file: StoredFile) => {
    setProblem(undefined);
    setMoving({ name: file.name, direction: 'down', done: 0, total: file.sizeBytes });
    try {
      await downloadFile(session.id, file, token(), (done, total) => setMoving({ name: file.name, direction: 'down', done, total }));
    } catch (err) {
      setProblem(err);
    } finally {
      setMoving(undefined);
    }
  };
  const percent = moving && moving.total > 0 ? Math.round((100 * moving.done) / moving.total) : 0;

  return (
    <Card withBorder data-testid="files" aria-labelledby="files-title">
      <Stack gap="xs">
        <Title order={2} size="h4" id="files-title">
          {t('files.title')}
        </Title>
        {files.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('files.empty')}
          </Text>
        ) : (
          <Table data-testid="file-list">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('files.name')}</Table.Th>
                <Table.Th>{t('files.size')}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t('app.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {files.map((f) => (
                <Table.Tr key={f.id} data-file={f.id} data-name={f.name}>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{f.name}</Table.Td>
                  <Table.Td>{formatBytes(f.sizeBytes, i18n.language)}</Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-xs"
                      variant="outline"
                      disabled={moving !== undefined}
                      onClick={() => void save(f)}
                      aria-label={`${t('files.download')} ${f.name}`}
                      data-testid="file-save"
                    >
                      {t('files.download')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}

        {moving && (
          <Stack gap={2} data-testid="file-progress" data-direction={moving.direction} data-percent={percent}>
            <Text size="sm" id="file-progress-label">
              {t(moving.direction === 'up' ? 'files.uploading' : 'files.downloading', { name: moving.name })}
            </Text>
            <Progress value={percent} aria-labelledby="file-progress-label" aria-valuetext={t('files.progress', { percent })} />
          </Stack>
        )}

        {canSend && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void send();
            }}
          >
            <Stack gap="xs">
              <FileInput
                label={controlling ? t('files.publish') : t('files.send')}
                placeholder={t('files.pick')}
                value={picked}
                onChange={setPicked}
                clearable
                data-testid="file-pick"
              />
              {controlling && approved.length > 0 && (
                <NativeSelect
                  label={t('files.to')}
                  value={target}
                  onChange={(e) => setTarget(e.currentTarget.value)}
                  data={[
                    { value: '', label: t('files.everyone') },
                    ...approved.map((x) => ({ value: x.transferId, label: t('files.transferTo', { name: nameOf(session, x.customerId) }) })),
                  ]}
                  data-testid="file-target"
                />
              )}
              <Group>
                <Button type="submit" disabled={!picked || moving !== undefined} data-testid="file-upload">
                  {t('files.upload')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}

        {controlling && session.status === 'active' && (
          <Group gap="xs">
            {transfers.length === 0 && session.activeCustomerId && (
              <Button size="xs" variant="outline" onClick={() => void requestTransfer({ variables: { id: session.id } }).catch(setProblem)} data-testid="transfer-request">
                {t('files.requestTransfer')}
              </Button>
            )}
            {transfers.map((x) => (
              <Group key={x.transferId} gap="xs" data-testid="transfer" data-status={x.status}>
                <Text size="sm">{x.status === 'approved' ? t('files.transferApproved') : t('files.transferRequested')}</Text>
                <Button size="compact-xs" variant="outline" onClick={() => void endTransfer({ variables: { id: session.id, transferId: x.transferId } }).catch(setProblem)}>
                  {t('files.endTransfer')}
                </Button>
              </Group>
            ))}
          </Group>
        )}
        {!controlling && <TransferConsent session={session} me={me} onProblem={setProblem} />}
        {problem !== undefined && (
          <Alert color="red" role="alert" data-testid="files-error">
            {errorText(t, problem)}
          </Alert>
        )}
      </Stack>
    </Card>
  );
}

/** TL-4: the customer is asked before any file moves; nothing is sent until they allow it. */
function TransferConsent({ session, me, onProblem }: { session: SessionFieldsFragment; me: string; onProblem(e: unknown): void }) {
  const { t } = useTranslation();
  const [approve, approving] = useMutation(APPROVE_FILE_TRANSFER);
  const [decline] = useMutation(DECLINE_FILE_TRANSFER);
  const asked = session.activities?.fileTransfers.find((x) => x.status === 'requested' && x.customerId === me);
  if (!asked) return null;
  const vars = { variables: { id: session.id, transferId: asked.transferId } };
  return (
    <Modal
      opened
      onClose={() => void decline(vars).catch(onProblem)}
      title={t('files.consentTitle')}
      centered
      closeOnClickOutside={false}
      closeButtonProps={{ 'aria-label': t('files.decline') }}
      data-testid="transfer-consent"
    >
      <Stack>
        <Text>{t('files.consentText', { who: nameOf(session, session.controllerId ?? '') })}</Text>
        <Group justify="flex-end">
          <Button variant="outline" onClick={() => void decline(vars).catch(onProblem)} data-testid="transfer-decline">
            {t('files.decline')}
          </Button>
          <Button loading={approving.loading} onClick={() => void approve(vars).catch(onProblem)} data-testid="transfer-approve">
            {t('files.approve')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
