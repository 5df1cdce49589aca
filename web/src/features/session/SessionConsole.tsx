import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { Alert, Badge, Box, Button, Card, CopyButton, Grid, Group, Loader, NativeSelect, Stack, Table, Tabs, Text, Textarea, TextInput, Title, Tooltip } from '@mantine/core';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';
import { Chat } from '../../components/Chat';
import { errorText } from '../../components/errors';
import { nameOf, Participants } from '../../components/Participants';
import type { SessionFieldsFragment } from '../../gql/graphql';
import type { ConsoleUser } from '../../lib/console-auth';
import { formatNumber } from '../join/CustomerSession';
import {
  DISPLAY_MODE,
  END_SESSION,
  END_SHARE,
  HAND_TO_QUEUE,
  INVITATIONS,
  INVITE,
  NOTES,
  QUEUES,
  REQUEST_SHARE,
  SAVE_NOTE,
  SELECT_CUSTOMER,
  SESSION,
  SESSION_CHANGED,
  SESSION_POLL_MS,
  TRANSFER_CONTROL,
} from './operations';
import { type ReceiverState, ScreenReceiver } from './screen-receiver';
import { FilesPanel } from '../files/FilesPanel';
import { RecordingControl } from '../recording/RecordingControl';
import { useSessionRecorder } from '../recording/use-session-recorder';

/** a hand-over message is at most 345 characters, counted as a person reads them (graphemes). */
export const HAND_OVER_MAX = 345;
const graphemes = (s: string) => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)].length;

/**
 * CON-1: how the admin has a CSR work. `dashboard`: the tabs Tools, Desktop, Application and
 * Session beside the participants; `compact`: the same tools behind a narrow tray of icons;
 * the multi-session window shows one `dashboard` console per session tab (MC-4).
 */
export type ConsoleLayout = 'dashboard' | 'compact';

const TOOLS = [
  { value: 'tools', icon: '\u{1F4AC}' },
  { value: 'desktop', icon: '\u{1F5A5}\uFE0F' },
  { value: 'application', icon: '\u{1FA9F}' },
  { value: 'session', icon: '\u2699\uFE0F' },
] as const;

/** One session in the CSR console: `sessionId` from the props (multi-session tabs) or the route. */
export function SessionConsole({
  user,
  sessionId,
  layout = 'dashboard',
  headingOrder = 1,
}: {
  user: ConsoleUser;
  sessionId?: string;
  layout?: ConsoleLayout;
  headingOrder?: 1 | 2;
}) {
  const { t } = useTranslation();
  const params = useParams();
  const id = sessionId ?? params.id ?? '';
  // Opened right after starting or accepting it: the read model must show that write first.
  const after = (useLocation().state as { after?: string } | null)?.after ?? null;
  const { data, error } = useQuery(SESSION, { variables: { id, after }, pollInterval: SESSION_POLL_MS });
  // Subscribed at once, beside the query: sessionChanged admits a participant from the stream, and a change between the first read and a late subscription would be lost.
  useSubscription(SESSION_CHANGED, { variables: { id } });
  const [receiver, setReceiver] = useState<ReceiverState>({ phase: 'waiting' });
  const receiverRef = useRef<ScreenReceiver | undefined>(undefined);
  useEffect(() => {
    const r = new ScreenReceiver(id, () => user.token, setReceiver);
    receiverRef.current = r;
    return () => r.close();
  }, [id, user.token]);

  // The newest state of the session this console has seen drives its recorder: a poll answered
  // by a read model lagging behind the subscription (under load) must not stop a recording a
  // newer state showed running, for its recorder would not record that recording a second time.
  const newest = useRef<{ id: string; version: number; recordingId?: string; controllerId?: string | null } | undefined>(undefined);
  const seen = data?.session;
  if (seen && (newest.current?.id !== seen.id || seen.version >= newest.current.version))
    newest.current = { id: seen.id, version: seen.version, recordingId: seen.activities?.recording?.recordingId, controllerId: seen.controllerId };
  const current = newest.current?.id === id ? newest.current : undefined;
  const recorder = useSessionRecorder(
    id,
    () => user.token,
    current?.recordingId,
    current?.controllerId === user.userId,
    () => receiver.stream,
    t('recording.noScreen'),
  );

  const session = data?.session;
  if (error) return <Alert color="red">{errorText(t, error)}</Alert>;
  if (!session) return <Loader aria-label={t('app.loading')} />;
  const controlling = session.controllerId === user.userId;
  const compact = layout === 'compact';

  const panels = (
    <>
      <Tabs.Panel value="tools" pt="sm">
        <Stack>
          <Chat session={session} me={user.userId} />
          <Notes session={session} />
        </Stack>
      </Tabs.Panel>
      <Tabs.Panel value="desktop" pt="sm">
        <SharePanel session={session} kinds={['desktop', 'cobrowse']} receiver={receiver} receiverRef={receiverRef} controlling={controlling} />
      </Tabs.Panel>
      <Tabs.Panel value="application" pt="sm">
        <ShareRequest session={session} kinds={['application']} controlling={controlling} />
      </Tabs.Panel>
      <Tabs.Panel value="session" pt="sm">
        <SessionTools session={session} user={user} controlling={controlling} />
      </Tabs.Panel>
    </>
  );

  if (compact)
    return (
      <Stack maw={460} data-testid="console" data-layout="compact">
        <Header session={session} controlling={controlling} headingOrder={headingOrder} compact />
        <CustomersAndHelpers session={session} user={user} controlling={controlling} />
        <Tabs defaultValue="desktop" keepMounted orientation="vertical" variant="pills" placement="left">
          <Tabs.List aria-label={t('csr.tray')} data-testid="tray">
            {TOOLS.map((tool) => (
              <Tooltip key={tool.value} label={t(`csr.tabs.${tool.value}`)} position="right" withArrow>
                <Tabs.Tab value={tool.value} aria-label={t(`csr.tabs.${tool.value}`)} data-testid={`tray-${tool.value}`} px={10}>
                  <span aria-hidden style={{ fontSize: 20 }}>
                    {tool.icon}
                  </span>
                </Tabs.Tab>
              </Tooltip>
            ))}
          </Tabs.List>
          <Box pl="sm" style={{ flex: 1, minWidth: 0 }}>
            {panels}
          </Box>
        </Tabs>
        <Invite session={session} />
        <RecordingControl session={session} controlling={controlling} recorder={recorder} />
        <FilesPanel session={session} me={user.userId} token={() => user.token} controlling={controlling} />
      </Stack>
    );

  return (
    <Stack data-testid="console" data-layout="dashboard">
      <Header session={session} controlling={controlling} headingOrder={headingOrder} />
      <Grid>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack>
            <CustomersAndHelpers session={session} user={user} controlling={controlling} />
            <Invite session={session} />
            <RecordingControl session={session} controlling={controlling} recorder={recorder} />
            <FilesPanel session={session} me={user.userId} token={() => user.token} controlling={controlling} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Tabs defaultValue="desktop" keepMounted>
            <Tabs.List>
              {TOOLS.map((tool) => (
                <Tabs.Tab key={tool.value} value={tool.value}>
                  {t(`csr.tabs.${tool.value}`)}
                </Tabs.Tab>
              ))}
            </Tabs.List>
            {panels}
          </Tabs>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function Header({ session, controlling, compact = false, headingOrder = 1 }: { session: SessionFieldsFragment; controlling: boolean; compact?: boolean; headingOrder?: 1 | 2 }) {
  const { t } = useTranslation();
  const [end, { error }] = useMutation(END_SESSION);
  return (
    <Card withBorder p={compact ? 'xs' : 'md'}>
      <Group justify="space-between" align="start">
        <Stack gap={4}>
          <Title order={headingOrder} size={compact ? 'h4' : 'h2'}>
            {t('session.number', { number: formatNumber(session.number) })}
          </Title>
          <Group gap="xs">
            <Text>{t('csr.number')}:</Text>
            <Text fw={700} data-testid="session-number">
              {formatNumber(session.number)}
            </Text>
            <CopyButton value={session.number}>
              {({ copied, copy }) => (
                <Button size="compact-xs" variant="outline" onClick={copy}>
                  {copied ? t('csr.copied') : t('csr.copy')}
                </Button>
              )}
            </CopyButton>
          </Group>
          {session.joinLink && (
            <Group gap="xs">
              <Text>{t('csr.link')}:</Text>
              <Text data-testid="join-link" style={{ wordBreak: 'break-all' }}>
                {session.joinLink}
              </Text>
              <CopyButton value={session.joinLink}>
                {({ copied, copy }) => (
                  <Button size="compact-xs" variant="outline" onClick={copy}>
                    {copied ? t('csr.copied') : t('csr.copy')}
                  </Button>
                )}
              </CopyButton>
            </Group>
          )}
          <Group gap="xs">
            <Badge data-testid="session-status">{t(`session.status.${session.status}`, { defaultValue: session.status })}</Badge>
            <Badge variant="outline" c="dark.7">
              {controlling ? t('csr.controller') : t('csr.observer')}
            </Badge>
            {session.activities?.recording && <Badge color="red.9">{t('csr.recording')}</Badge>}
          </Group>
        </Stack>
        <Stack align="end">
          <Button component={Link} to="/console" variant="subtle">
            {t('csr.back')}
          </Button>
          {controlling && session.status === 'active' && (
            <Button color="red.9" onClick={() => void end({ variables: { id: session.id } })} data-testid="end-session">
              {t('csr.end')}
            </Button>
          )}
          {error && <Text c="red.9">{errorText(t, error)}</Text>}
        </Stack>
      </Group>
    </Card>
  );
}

function CustomersAndHelpers({ session, user, controlling }: { session: SessionFieldsFragment; user: ConsoleUser; controlling: boolean }) {
  const { t } = useTranslation();
  const [select] = useMutation(SELECT_CUSTOMER);
  const [transfer, { error }] = useMutation(TRANSFER_CONTROL);
  return (
    <Stack>
      <Participants
        session={session}
        me={user.userId}
        action={(userId) => {
          const p = session.participants.find((x) => x.userId === userId)!;
          if (!controlling) return null;
          if (p.place === 'customer' && userId !== session.activeCustomerId)
            return (
              <Button size="compact-xs" variant="outline" onClick={() => void select({ variables: { id: session.id, customerId: userId } })}>
                {t('csr.select')}
              </Button>
            );
          if (p.place === 'helper')
            return (
              <Button size="compact-xs" variant="outline" onClick={() => void transfer({ variables: { id: session.id, toUserId: userId } })} data-testid={`transfer-${userId}`}>
                {t('csr.transferButton')}
              </Button>
            );
          return null;
        }}
      />
      {error && <Text c="red.9">{errorText(t, error)}</Text>}
    </Stack>
  );
}

function Invite({ session }: { session: SessionFieldsFragment }) {
  const { t } = useTranslation();
  const titleId = useId();
  const [address, setAddress] = useState('');
  const { data, refetch } = useQuery(INVITATIONS, { variables: { id: session.id }, pollInterval: 5000 });
  const [invite, { loading, error }] = useMutation(INVITE);
  const invitations = data?.session.invitations ?? [];
  return (
    <section aria-labelledby={titleId}>
      <Title order={2} size="h4" id={titleId}>
        {t('csr.invitations')}
      </Title>
      {invitations.length > 0 && (
        <Table data-testid="invitations" fz="sm">
          <Table.Tbody>
            {invitations.map((i) => (
              <Table.Tr key={i.invitationId} data-channel={i.channel} data-mailed={i.mailedAt ? 'yes' : 'no'} data-redeemed={i.redeemedAt ? 'yes' : 'no'}>
                <Table.Td style={{ wordBreak: 'break-all' }}>{i.address ?? t(`csr.channel.${i.channel}`)}</Table.Td>
                <Table.Td>{i.redeemedAt ? t('csr.invitationRedeemed') : i.mailedAt ? t('csr.invitationMailed') : t('csr.invitationSent')}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void invite({ variables: { id: session.id, invitations: [{ invitee: 'customer', channel: 'email', address, delivery: 'system' }] } }).then(
            () => (setAddress(''), refetch()),
          );
        }}
      >
        <Group align="end" wrap="nowrap">
          <TextInput type="email" label={t('console.email')} value={address} onChange={(e) => setAddress(e.currentTarget.value)} style={{ flex: 1 }} required />
          <Button type="submit" loading={loading} variant="outline">
            {t('csr.invite')}
          </Button>
        </Group>
        {error && <Text c="red.9">{errorText(t, error)}</Text>}
        {/* INV-1: invitations the mail server refused for good; invite again by another address or channel. */}
        {session.undeliveredInvitations.map((u) => (
          <Alert key={u.invitationId} color="orange" mt="xs" role="status" data-testid="undelivered-invitation">
            {t('csr.undelivered', { address: u.address, reason: u.reason })}
          </Alert>
        ))}
      </form>
    </section>
  );
}

function ShareRequest({ session, kinds, controlling }: { session: SessionFieldsFragment; kinds: string[]; controlling: boolean }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState(kinds[0]!);
  const [mode, setMode] = useState('view');
  const [request, { loading, error }] = useMutation(REQUEST_SHARE);
  const [end] = useMutation(END_SHARE);
  const shares = session.activities?.shares.filter((s) => kinds.includes(s.kind)) ?? [];
  return (
    <Stack>
      {controlling && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void request({ variables: { id: session.id, kind: kind as never, mode: mode as never } });
          }}
        >
          <Group align="end">
            <NativeSelect
              label={t('csr.kind')}
              value={kind}
              onChange={(e) => setKind(e.currentTarget.value)}
              data={kinds.map((k) => ({ value: k, label: t(`share.kind.${k}`) }))}
              data-testid={`share-kind-${kinds[0]}`}
            />
            <NativeSelect
              label={t('csr.mode')}
              value={mode}
              onChange={(e) => setMode(e.currentTarget.value)}
              data={['view', 'control', 'share_view', 'share_control'].map((m) => ({ value: m, label: t(`share.mode.${m}`) }))}
              data-testid={`share-mode-${kinds[0]}`}
            />
            <Button type="submit" loading={loading} data-testid={`request-share-${kinds[0]}`}>
              {t('csr.request')}
            </Button>
          </Group>
          {error && <Text c="red.9">{errorText(t, error)}</Text>}
        </form>
      )}
      {shares.length > 0 && (
        <Table data-testid="shares">
          <Table.Tbody>
            {shares.map((s) => (
              <Table.Tr key={s.shareId} data-status={s.status}>
                <Table.Td>{t(`share.kind.${s.kind}`)}</Table.Td>
                <Table.Td>{t(`share.mode.${s.mode}`)}</Table.Td>
                <Table.Td>{nameOf(session, s.customerId)}</Table.Td>
                <Table.Td>{t(`share.status.${s.status}`, { defaultValue: s.status })}</Table.Td>
                <Table.Td>
                  {controlling && (
                    <Button size="compact-xs" variant="outline" onClick={() => void end({ variables: { id: session.id, shareId: s.shareId } })}>
                      {t('csr.endShare')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

function SharePanel(props: {
  session: SessionFieldsFragment;
  kinds: string[];
  receiver: ReceiverState;
  receiverRef: React.RefObject<ScreenReceiver | undefined>;
  controlling: boolean;
}) {
  const { t } = useTranslation();
  const { session, receiver } = props;
  const [displayMode] = useMutation(DISPLAY_MODE);
  const current = session.displayMode ?? 'standard';
  const control = session.activities?.shares.some((s) => s.shareId === receiver.shareId && s.mode === 'control');
  return (
    <Stack>
      <ShareRequest session={session} kinds={props.kinds} controlling={props.controlling} />
      {props.controlling && (
        <NativeSelect
          label={t('csr.displayMode')}
          value={current}
          onChange={(e) => void displayMode({ variables: { id: session.id, mode: e.currentTarget.value as never } })}
          data={['standard', 'screen_sampling'].map((m) => ({ value: m, label: t(`csr.displayModes.${m}`) }))}
        />
      )}
      <RemoteScreen
        receiver={receiver}
        onPlaying={() => props.receiverRef.current?.playing()}
        onPointer={control ? (type, x, y) => props.receiverRef.current?.pointer(type, x, y) : undefined}
      />
    </Stack>
  );
}

/** The customer's screen; `data-phase` and `data-frames` say what the viewer sees (tests read them). */
function RemoteScreen({ receiver, onPlaying, onPointer }: { receiver: ReceiverState; onPlaying(): void; onPointer?: (type: 'move' | 'click', x: number, y: number) => void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [frames, setFrames] = useState(0);
  useEffect(() => {
    const v = video.current;
    if (!v) return;
    v.srcObject = receiver.stream ?? null;
    if (!receiver.stream) return;
    let handle = 0;
    let count = 0;
    const onFrame = () => {
      count += 1;
      if (count === 1) onPlaying();
      if (count % 5 === 1) setFrames(count);
      handle = v.requestVideoFrameCallback(onFrame);
    };
    handle = v.requestVideoFrameCallback(onFrame);
    void v.play().catch(() => undefined);
    return () => v.cancelVideoFrameCallback(handle);
  }, [receiver.stream]);
  const point = (type: 'move' | 'click') => (e: React.MouseEvent<HTMLVideoElement>) => {
    if (!onPointer) return;
    const r = e.currentTarget.getBoundingClientRect();
    onPointer(type, (e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height);
  };
  const label = receiver.phase === 'playing' ? t('share.playing') : receiver.phase === 'ended' ? t('share.ended') : t('share.waiting');
  return (
    <Card withBorder data-testid="remote-screen" data-phase={receiver.phase} data-frames={frames} data-connection={receiver.connection ?? 'none'}>
      <Text size="sm" aria-live="polite">
        {t('share.remote')}: {label}
      </Text>
      <video
        ref={video}
        muted
        playsInline
        autoPlay
        aria-label={t('share.remote')}
        style={{ width: '100%', background: '#222', minHeight: 120 }}
        onMouseMove={point('move')}
        onClick={point('click')}
        data-testid="remote-video"
      />
    </Card>
  );
}

function Notes({ session }: { session: SessionFieldsFragment }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const { data, refetch } = useQuery(NOTES, { variables: { sessionId: session.id } });
  const [save, { loading, error }] = useMutation(SAVE_NOTE);
  const titleId = useId();
  return (
    <section aria-labelledby={titleId}>
      <Title order={2} size="h4" id={titleId}>
        {t('csr.notes')}
      </Title>
      {(data?.sessionNotes.length ?? 0) === 0 && <Text c="gray.7">{t('csr.noNotes')}</Text>}
      {data?.sessionNotes.map((n) => (
        <Text key={n.noteId} size="sm" data-testid="note">
          {n.text}
        </Text>
      ))}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save({ variables: { id: session.id, text } }).then(() => (setText(''), refetch()));
        }}
      >
        <Textarea label={t('csr.note')} value={text} onChange={(e) => setText(e.currentTarget.value)} autosize minRows={2} required data-testid="note-input" />
        <Button type="submit" mt="xs" loading={loading} variant="outline" data-testid="note-save">
          {t('csr.saveNote')}
        </Button>
        {error && <Text c="red.9">{errorText(t, error)}</Text>}
      </form>
    </section>
  );
}

function SessionTools({ session, user, controlling }: { session: SessionFieldsFragment; user: ConsoleUser; controlling: boolean }) {
  const { t } = useTranslation();
  const { data: queues } = useQuery(QUEUES);
  const [queueId, setQueueId] = useState('');
  const [agents, setAgents] = useState('');
  const [message, setMessage] = useState('');
  const [handOver, handOverState] = useMutation(HAND_TO_QUEUE);
  const titleId = useId();
  const count = graphemes(message);
  const agentIds = agents
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  if (!controlling) return <Text>{t('csr.observer')}</Text>;
  return (
    <Stack>
      <Card withBorder>
        <form
          aria-labelledby={titleId}
          onSubmit={(e) => {
            e.preventDefault();
            void handOver({ variables: { id: session.id, queueId: queueId || null, agentIds: queueId ? null : agentIds, message: message || null } });
          }}
        >
          <Stack>
            <Title order={2} size="h4" id={titleId}>
              {t('csr.handOver')}
            </Title>
            <NativeSelect
              label={t('csr.queue')}
              value={queueId}
              onChange={(e) => setQueueId(e.currentTarget.value)}
              data={[{ value: '', label: '—' }, ...(queues?.queues ?? []).map((q) => ({ value: q.id, label: q.name }))]}
              data-testid="handover-queue"
            />
            {!queueId && <TextInput label={t('csr.agents')} value={agents} onChange={(e) => setAgents(e.currentTarget.value)} data-testid="handover-agents" />}
            <Textarea
              label={t('csr.message')}
              value={message}
              onChange={(e) => setMessage(e.currentTarget.value)}
              autosize
              minRows={3}
              error={count > HAND_OVER_MAX ? t('errors.HAND_OVER_MESSAGE_TOO_LONG') : undefined}
              description={
                <span data-testid="handover-counter" aria-live="polite">
                  {t('csr.counter', { count, max: HAND_OVER_MAX })}
                </span>
              }
              data-testid="handover-message"
            />
            <Button type="submit" disabled={count > HAND_OVER_MAX || (!queueId && agentIds.length === 0)} loading={handOverState.loading} data-testid="handover-submit">
              {t('csr.handOverButton')}
            </Button>
            {handOverState.error && <Text c="red.9">{errorText(t, handOverState.error)}</Text>}
          </Stack>
        </form>
      </Card>
      <Text size="sm" c="gray.7">
        {user.name ?? user.userId}
      </Text>
    </Stack>
  );
}
