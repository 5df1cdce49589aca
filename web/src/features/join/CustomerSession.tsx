import { ApolloProvider, useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { Alert, Badge, Box, Button, Card, Grid, Group, Loader, Modal, Stack, Text, Title } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Chat } from '../../components/Chat';
import { errorText } from '../../components/errors';
import { nameOf, Participants } from '../../components/Participants';
import type { SessionFieldsFragment } from '../../gql/graphql';
import { createApollo } from '../../lib/apollo';
import type { DisplayMode, Media } from '../../lib/signalling';
import { APPROVE_SHARE, DECLINE_SHARE, END_SHARE, LEAVE, SESSION, SESSION_CHANGED, SESSION_POLL_MS } from '../session/operations';
import { type CustomerCredential, refreshCredential } from './credential';
import { ScreenSender, type SenderState } from './screen-sender';
import { FilesPanel } from '../files/FilesPanel';
import { RecordingIndicator } from '../recording/RecordingControl';

interface Props {
  credential: CustomerCredential;
  onCredential(c: CustomerCredential): void;
  onDone(reason: 'left' | 'ended'): void;
}

/** The customer's session page: an Apollo client on their credential, refreshed while they are present. */
export function CustomerSession({ credential, onCredential, onDone }: Props) {
  const tokenRef = useRef(credential.token);
  tokenRef.current = credential.token;
  const apollo = useMemo(() => createApollo(() => tokenRef.current), [credential.sessionId]);
  useEffect(() => () => apollo.close(), [apollo]);

  // Refresh about half-way through the credential's life, while the page is open.
  useEffect(() => {
    const left = new Date(credential.expiresAt).getTime() - Date.now();
    const timer = window.setTimeout(() => refreshCredential(credential.token).then(onCredential, () => onDone('left')), Math.max(5_000, left / 2));
    return () => window.clearTimeout(timer);
  }, [credential.token]);

  return (
    <ApolloProvider client={apollo.client}>
      <CustomerView credential={credential} token={() => tokenRef.current} onDone={onDone} />
    </ApolloProvider>
  );
}

function CustomerView({ credential, token, onDone }: { credential: CustomerCredential; token: () => string; onDone: Props['onDone'] }) {
  const { t } = useTranslation();
  const me = credential.customerId;
  const { data, error } = useQuery(SESSION, { variables: { id: credential.sessionId, after: credential.consistencyToken ?? null }, pollInterval: SESSION_POLL_MS });
  // Subscribed at once, beside the query (sessionChanged admits from the stream): no change falls between the two.
  useSubscription(SESSION_CHANGED, { variables: { id: credential.sessionId } });
  const session = data?.session;
  const [sender, setSender] = useState<SenderState>({ sharing: false });
  const [problem, setProblem] = useState<unknown>();
  const [approve] = useMutation(APPROVE_SHARE);
  const [decline] = useMutation(DECLINE_SHARE);
  const [endShare] = useMutation(END_SHARE);
  const [leave] = useMutation(LEAVE);

  const senderRef = useRef<ScreenSender | undefined>(undefined);
  useEffect(() => {
    const s = new ScreenSender(credential.sessionId, token, setSender, (shareId) => void endShare({ variables: { id: credential.sessionId, shareId } }).catch(() => undefined));
    senderRef.current = s;
    return () => s.close();
  }, [credential.sessionId]);

  const ended = session?.status === 'ended' || (session && !session.participants.some((p) => p.userId === me));
  useEffect(() => {
    if (ended) {
      senderRef.current?.stop();
      onDone(session?.status === 'ended' ? 'ended' : 'left');
    }
  }, [ended]);
  // The session version the approval produced: an older answer (the read model lagging behind
  // the mutation's decision, under load) must not stop the share it does not show yet.
  const approvedAt = useRef(-1);
  useEffect(() => {
    if (!session || session.version < approvedAt.current) return;
    if (session.activities && sender.shareId && !session.activities.shares.some((s) => s.shareId === sender.shareId && s.status === 'approved')) senderRef.current?.stop();
  }, [session?.version]);

  // OPT-1: the CSR's display mode sets the running share's encoder parameters.
  useEffect(() => {
    if (session?.displayMode) void senderRef.current?.displayMode(session.displayMode as DisplayMode);
  }, [session?.displayMode]);

  if (error) return <Alert color="red">{errorText(t, error)}</Alert>;
  if (!session) return <Loader aria-label="…" />;

  const mine = session.activities?.shares.filter((s) => s.customerId === me) ?? [];
  const asked = mine.find((s) => s.status === 'requested');
  const approved = mine.find((s) => s.status === 'approved' && (s.mode === 'view' || s.mode === 'control'));
  const displayMode = (session.displayMode ?? 'standard') as DisplayMode;

  const startSharing = async (shareId: string, kind: string) => {
    try {
      setProblem(undefined);
      await senderRef.current?.start(shareId, kind as Media, session.controllerId ?? '', displayMode);
    } catch (err) {
      setProblem(err);
    }
  };
  const onApprove = async () => {
    if (!asked) return;
    try {
      const answer = await approve({ variables: { id: session.id, shareId: asked.shareId } });
      approvedAt.current = answer.data?.approveShare.version ?? -1;
      if (asked.mode === 'view' || asked.mode === 'control') await startSharing(asked.shareId, asked.kind);
    } catch (err) {
      setProblem(err);
    }
  };
  const stopSharing = async () => {
    const shareId = sender.shareId ?? approved?.shareId;
    senderRef.current?.stop();
    if (shareId) await endShare({ variables: { id: session.id, shareId } }).catch(setProblem);
  };

  return (
    <Stack maw={1100} mx="auto">
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('session.number', { number: formatNumber(session.number) })}
        </Title>
        <RecordingIndicator session={session} />
        <Button color="red.9" variant="outline" onClick={() => void leave({ variables: { id: session.id } }).then(() => onDone('left'), setProblem)} data-testid="leave">
          {t('session.leave')}
        </Button>
      </Group>
      {problem !== undefined && <Alert color="red">{errorText(t, problem)}</Alert>}
      <Grid>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack>
            <Participants session={session} me={me} />
            <ShareCard session={session} sender={sender} approved={approved} onStart={startSharing} onStop={stopSharing} />
            <FilesPanel session={session} me={me} token={token} controlling={false} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Chat session={session} me={me} />
        </Grid.Col>
      </Grid>
      <ConsentDialog
        session={session}
        share={asked}
        onApprove={onApprove}
        onDecline={() => asked && void decline({ variables: { id: session.id, shareId: asked.shareId } }).catch(setProblem)}
      />
      {sender.pointer && <PointerOverlay pointer={sender.pointer} />}
    </Stack>
  );
}

type Share = NonNullable<SessionFieldsFragment['activities']>['shares'][number];

function ShareCard({
  session,
  sender,
  approved,
  onStart,
  onStop,
}: {
  session: SessionFieldsFragment;
  sender: SenderState;
  approved?: Share;
  onStart(id: string, kind: string): void;
  onStop(): void;
}) {
  const { t } = useTranslation();
  return (
    <Card withBorder data-testid="share-card" data-sharing={sender.sharing ? 'yes' : 'no'} data-connection={sender.connection ?? 'none'}>
      <Stack gap="xs">
        <Group gap="xs">
          <Badge color={sender.sharing ? 'green.9' : 'gray.7'}>{sender.sharing ? t('share.sharing') : t('share.notSharing')}</Badge>
        </Group>
        {approved && !sender.sharing && (
          <Button onClick={() => onStart(approved.shareId, approved.kind)} data-testid="share-start">
            {t('share.start')}
          </Button>
        )}
        {(sender.sharing || approved) && (
          <Button color="red.9" onClick={onStop} data-testid="share-stop">
            {t('share.stop')}
          </Button>
        )}
        {approved?.mode === 'control' && <Text size="sm">{t('share.controlNote')}</Text>}
        {session.activities?.shares.length === 0 && null}
      </Stack>
    </Card>
  );
}

/** SHR-1..4: every request is asked: who, to view or to control, desktop / application / co-browse. */
function ConsentDialog({ session, share, onApprove, onDecline }: { session: SessionFieldsFragment; share?: Share; onApprove(): void; onDecline(): void }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  if (!share) return null;
  const who = nameOf(session, session.controllerId ?? '');
  return (
    <Modal
      opened
      onClose={onDecline}
      title={t('share.consentTitle')}
      centered
      data-testid="consent"
      closeOnClickOutside={false}
      closeButtonProps={{ 'aria-label': t('share.decline') }}
    >
      <Stack>
        <Text data-testid="consent-text">{t('share.consentText', { who, mode: t(`share.mode.${share.mode}`), kind: t(`share.kind.${share.kind}`) })}</Text>
        <Text size="sm">{share.mode === 'control' || share.mode === 'share_control' ? t('share.consentControl') : t('share.consentView')}</Text>
        <Group justify="flex-end">
          <Button variant="outline" onClick={onDecline} data-testid="consent-decline">
            {t('share.decline')}
          </Button>
          <Button
            loading={busy}
            onClick={async () => {
              setBusy(true);
              try {
                await onApprove();
              } finally {
                setBusy(false);
              }
            }}
            data-testid="consent-approve"
          >
            {t('share.approve')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Where the CSR's pointer is on a control share (shown only; the operating system is not driven). */
function PointerOverlay({ pointer }: { pointer: { x: number; y: number } }) {
  const { t } = useTranslation();
  return (
    <Box
      data-testid="remote-pointer"
      aria-label={t('share.pointer')}
      role="img"
      style={{
        position: 'fixed',
        left: `${pointer.x * 100}%`,
        top: `${pointer.y * 100}%`,
        width: 14,
        height: 14,
        borderRadius: 7,
        background: '#c92a2a',
        border: '2px solid white',
        pointerEvents: 'none',
        zIndex: 1000,
      }}
    />
  );
}

export const formatNumber = (n: string) => n.replace(/^(\d{3})(\d{3})(\d{3})$/, '$1 $2 $3');
