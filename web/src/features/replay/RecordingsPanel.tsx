import { Alert, Badge, Button, Card, Group, Progress, Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../components/errors';
import { ApiError, rest } from '../../lib/rest';
import { formatBytes } from '../files/messages';

/** RPT-2: a recording beside the timeline with the server's verdict on its bytes (GET .../recordings). */
export interface RecordingVerdict {
  recordingId: string;
  startedVersion: number;
  startedAt: string;
  stoppedAt: string | null;
  durationMs: number | null;
  sizeBytes: number | null;
  sha256: string | null;
  verdict: 'verified' | 'mismatch' | 'missing' | 'deleted' | 'no_bytes' | 'recording';
  actualSha256: string | null;
}

/** Bytes fetched per range request while loading a recording for playback. */
const RANGE_BYTES = 1024 * 1024;

/**
 * The session's recordings in the supervisor's replay (RPT-2): each with the verdict that its
 * stored bytes match the SHA-256 in the history (an altered one is named), played back from bytes
 * fetched with HTTP range requests, and positioned at the event the supervisor selects.
 */
export function RecordingsPanel({ sessionId, token, selectedAt }: { sessionId: string; token: string; selectedAt?: string }) {
  const { t } = useTranslation();
  const [recordings, setRecordings] = useState<RecordingVerdict[]>();
  const [problem, setProblem] = useState<unknown>();
  useEffect(() => {
    rest<RecordingVerdict[]>(`/api/v1/sessions/${encodeURIComponent(sessionId)}/recordings`, { token }).then(setRecordings, setProblem);
  }, [sessionId, token]);
  if (problem !== undefined) return <Alert color="red">{errorText(t, problem)}</Alert>;
  if (!recordings) return null;
  return (
    <Card withBorder data-testid="recordings" aria-labelledby="recordings-title">
      <Stack>
        <Title order={2} size="h4" id="recordings-title">
          {t('playback.title')}
        </Title>
        {recordings.length === 0 && <Text c="dimmed">{t('playback.none')}</Text>}
        {recordings.map((r, i) => (
          <RecordingPlayer key={r.recordingId} n={i + 1} sessionId={sessionId} token={token} recording={r} selectedAt={selectedAt} />
        ))}
      </Stack>
    </Card>
  );
}

function RecordingPlayer({ n, sessionId, token, recording: r, selectedAt }: { n: number; sessionId: string; token: string; recording: RecordingVerdict; selectedAt?: string }) {
  const { t, i18n } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [url, setUrl] = useState<string>();
  const [loaded, setLoaded] = useState<number>();
  const [frames, setFrames] = useState(0);
  const [problem, setProblem] = useState<unknown>();
  const playable = (r.verdict === 'verified' || r.verdict === 'mismatch') && (r.sizeBytes ?? 0) > 0;
  const short = (h: string | null) => (h ? `${h.slice(0, 12)}…` : '—');
  const verdictText = t(`playback.verdict.${r.verdict}`, { id: r.recordingId, expected: short(r.sha256), actual: short(r.actualSha256) });

  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);

  // Frames decoding is what the supervisor (and the browser test) sees: count them.
  useEffect(() => {
    const v = video.current;
    if (!v || !url) return;
    let handle = 0;
    let count = 0;
    const onFrame = () => {
      count += 1;
      if (count % 5 === 1) setFrames(count);
      handle = v.requestVideoFrameCallback(onFrame);
    };
    handle = v.requestVideoFrameCallback(onFrame);
    return () => v.cancelVideoFrameCallback(handle);
  }, [url]);

  // Position playback at the selected event: its time minus the recording's start.
  useEffect(() => {
    const v = video.current;
    if (!v || !url || !selectedAt) return;
    const offset = (new Date(selectedAt).getTime() - new Date(r.startedAt).getTime()) / 1000;
    const end = r.durationMs !== null ? r.durationMs / 1000 : Number.POSITIVE_INFINITY;
    if (offset >= 0 && offset <= end) v.currentTime = offset;
  }, [selectedAt, url]);

  const load = async () => {
    setProblem(undefined);
    const size = r.sizeBytes ?? 0;
    const parts: Uint8Array<ArrayBuffer>[] = [];
    try {
      for (let start = 0; start < size; start += RANGE_BYTES) {
        const end = Math.min(size, start + RANGE_BYTES) - 1;
        const res = await fetch(`/api/v1/sessions/${encodeURIComponent(sessionId)}/recordings/${encodeURIComponent(r.recordingId)}`, {
          headers: { authorization: `Bearer ${token}`, range: `bytes=${start}-${end}` },
        });
        if (res.status !== 206 && res.status !== 200) {
          const body = (await res.json().catch(() => ({}))) as { code?: string; detail?: string };
          throw new ApiError(res.status, body.code ?? `HTTP_${res.status}`, body.detail ?? res.statusText);
        }
        parts.push(new Uint8Array(await res.arrayBuffer()));
        setLoaded(Math.round((100 * (end + 1)) / size));
        if (res.status === 200) break;
      }
      // Chromium finds the duration of a whole WebM in memory (MediaRecorder writes none), so it can seek.
      setUrl(URL.createObjectURL(new Blob(parts, { type: 'video/webm' })));
    } catch (err) {
      setProblem(err);
    }
  };

  return (
    <Stack gap="xs" data-testid="recording-item" data-recording={r.recordingId} data-verdict={r.verdict} data-frames={frames}>
      <Group justify="space-between">
        <Text fw={600}>{t('playback.recording', { n })}</Text>
        <Badge color={r.verdict === 'verified' ? 'green.9' : r.verdict === 'mismatch' || r.verdict === 'missing' ? 'red.9' : 'gray.7'}>{r.verdict}</Badge>
      </Group>
      <Alert color={r.verdict === 'verified' ? 'green' : r.verdict === 'mismatch' || r.verdict === 'missing' ? 'red' : 'gray'} data-testid="recording-verdict" role="status">
        {verdictText}
      </Alert>
      <Text size="sm">
        {t('playback.duration')}: {r.durationMs !== null ? `${(r.durationMs / 1000).toFixed(1)} s` : '—'} · {t('playback.size')}:{' '}
        {r.sizeBytes !== null ? formatBytes(r.sizeBytes, i18n.language) : '—'}
      </Text>
      {playable && !url && (
        <Group>
          <Button variant="outline" onClick={() => void load()} loading={loaded !== undefined && problem === undefined} data-testid="recording-play">
            {t('playback.play')}
          </Button>
          {loaded !== undefined && <Progress value={loaded} w={200} aria-label={t('playback.loading', { percent: loaded })} />}
        </Group>
      )}
      {url && (
        <>
          <video
            ref={video}
            src={url}
            controls
            autoPlay
            muted
            playsInline
            style={{ width: '100%', background: '#222' }}
            aria-label={t('playback.recording', { n })}
            data-testid="recording-video"
          />
          {selectedAt && <Text size="xs">{t('playback.position')}</Text>}
        </>
      )}
      {problem !== undefined && <Alert color="red">{errorText(t, problem)}</Alert>}
    </Stack>
  );
}
