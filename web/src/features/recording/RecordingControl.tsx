import { useMutation } from '@apollo/client/react';
import { Alert, Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../components/errors';
import type { SessionFieldsFragment } from '../../gql/graphql';
import { formatBytes } from '../files/messages';
import { RECORDING, STOP_RECORDING } from '../session/operations';
import type { RecorderState } from './session-recorder';

/**
 * Everyone in the session sees that it is recorded (REC-1, REC-2): a red badge with a live region,
 * on the customer's page and in the consoles.
 */
export function RecordingIndicator({ session }: { session: Pick<SessionFieldsFragment, 'activities'> }) {
  const { t } = useTranslation();
  const recording = session.activities?.recording;
  return (
    <span role="status" aria-live="polite" data-testid="recording-indicator" data-recording={recording ? 'yes' : 'no'}>
      {recording && (
        <Badge color="red.9" variant="filled">
          ● {t('recording.on')}
        </Badge>
      )}
    </span>
  );
}

/**
 * The controlling CSR's record / stop buttons with what the recorder has saved so far. Stop first
 * flushes the last chunk to the server, then sends the stop command, so the sealed recording ends
 * where the CSR stopped it. `data-phase`, `data-chunks`, `data-recorded` and `data-uploaded` are read by tests.
 */
export function RecordingControl({
  session,
  controlling,
  recorder,
}: {
  session: SessionFieldsFragment;
  controlling: boolean;
  recorder: { state: RecorderState; stop(): Promise<void> };
}) {
  const { t, i18n } = useTranslation();
  const [start, started] = useMutation(RECORDING);
  const [stopRecording, stopped] = useMutation(STOP_RECORDING);
  const [stopping, setStopping] = useState(false);
  const recording = session.activities?.recording;
  const { state } = recorder;
  const error = started.error ?? stopped.error;
  const stop = async () => {
    setStopping(true);
    try {
      await recorder.stop();
      await stopRecording({ variables: { id: session.id } }).catch(() => undefined);
    } finally {
      setStopping(false);
    }
  };
  return (
    <Card
      withBorder
      data-testid="recording"
      data-phase={state.phase}
      data-chunks={state.chunks}
      data-recorded={state.recordedBytes}
      data-uploaded={state.uploadedBytes}
      aria-labelledby="recording-title"
    >
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={2} size="h4" id="recording-title">
            {t('recording.title')}
          </Title>
          <RecordingIndicator session={session} />
          {!recording && <Text size="sm">{t('recording.off')}</Text>}
        </Group>
        {recording?.automatic && <Text size="sm">{t('recording.automatic')}</Text>}
        {state.phase !== 'idle' && state.recordingId === recording?.recordingId && (
          <Text size="sm" data-testid="recording-saved">
            {state.phase === 'stopping'
              ? t('recording.stopping')
              : t('recording.uploaded', { size: formatBytes(state.uploadedBytes, i18n.language), recorded: formatBytes(state.recordedBytes, i18n.language) })}
          </Text>
        )}
        {state.phase === 'failed' && <Alert color="red">{t('recording.failed', { message: state.error ?? '' })}</Alert>}
        {controlling && session.status === 'active' && (
          <Group>
            {!recording && (
              <Button variant="outline" loading={started.loading} onClick={() => void start({ variables: { id: session.id } }).catch(() => undefined)} data-testid="record-start">
                {t('recording.start')}
              </Button>
            )}
            {recording && !recording.automatic && (
              <Button color="red.9" loading={stopping} onClick={() => void stop()} data-testid="record-stop">
                {t('recording.stop')}
              </Button>
            )}
          </Group>
        )}
        {error && <Text c="red.9">{errorText(t, error)}</Text>}
      </Stack>
    </Card>
  );
}
