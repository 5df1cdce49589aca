import { iceServers, type Media, SharePeer, SignallingClient } from '../../lib/signalling';

export interface ReceiverState {
  shareId?: string;
  stream?: MediaStream;
  connection?: RTCPeerConnectionState;
  /** 'waiting' until a picture comes, 'playing', then 'ended' when the share stops. */
  phase: 'waiting' | 'playing' | 'ended';
  lastError?: string;
}

/** SES-5: how often the console reports it is open, on its signalling socket. */
export const HEARTBEAT_MS = 5000;

/**
 * The CSR console's side: answers the customer's offers for approved shares and shows the
 * picture; its signalling socket is also the console's presence heartbeat (SES-5). When the
 * share ends (`close-media`), the peer connection closes and the video ends.
 */
export class ScreenReceiver {
  private readonly signalling: SignallingClient;
  private readonly ice: Promise<RTCIceServer[]>;
  private peer?: SharePeer;
  private control?: RTCDataChannel;
  private state: ReceiverState = { phase: 'waiting' };

  constructor(
    sessionId: string,
    token: () => string,
    private readonly onState: (s: ReceiverState) => void,
  ) {
    this.ice = iceServers(token());
    this.signalling = new SignallingClient(
      sessionId,
      token,
      {
        signal: (f) => void this.signal(f.from, f.media, f.shareId ?? '', f.kind, f.payload),
        closeMedia: (f) => {
          if (this.peer && (!f.shareId || f.shareId === this.peer.shareId)) this.end();
        },
        error: (f) => this.set({ lastError: f.code }),
      },
      { heartbeatMs: HEARTBEAT_MS },
    );
  }

  /** SHR-1 control: the CSR's pointer on the shared picture (0..1), sent on the share's data channel. */
  pointer(type: 'move' | 'click', x: number, y: number): void {
    if (this.control?.readyState === 'open') this.control.send(JSON.stringify({ type, x, y }));
  }

  close(): void {
    this.peer?.close();
    this.signalling.close();
  }

  private async signal(from: string, media: Media, shareId: string, kind: string, payload: unknown) {
    if (kind === 'offer') {
      // A new offer (the customer's page opened again, or this console did): a fresh connection.
      this.peer?.close();
      const peer = new SharePeer(await this.ice, this.signalling, from, media, shareId);
      this.peer = peer;
      peer.pc.ontrack = (e) => this.peer === peer && this.set({ stream: e.streams[0] ?? new MediaStream([e.track]), shareId, phase: 'waiting' });
      peer.pc.ondatachannel = (e) => {
        if (e.channel.label === 'control') this.control = e.channel;
      };
      peer.pc.onconnectionstatechange = () => {
        if (this.peer !== peer) return;
        this.set({ connection: peer.pc.connectionState });
        if (peer.pc.connectionState === 'failed' || peer.pc.connectionState === 'closed') this.end();
      };
      await peer.answerTo(payload as RTCSessionDescriptionInit);
      this.set({ shareId, phase: 'waiting' });
    } else if (this.peer && this.peer.shareId === shareId && this.peer.peer === from) {
      if (kind === 'candidate') await this.peer.candidate(payload as RTCIceCandidateInit);
    }
  }

  /** The picture is showing (the video element decoded a frame). */
  playing(): void {
    if (this.state.stream) this.set({ phase: 'playing' });
  }

  private end() {
    this.peer?.close();
    this.peer = undefined;
    this.control = undefined;
    for (const track of this.state.stream?.getTracks() ?? []) track.stop();
    this.set({ stream: undefined, phase: 'ended', connection: 'closed' });
  }

  private set(patch: Partial<ReceiverState>) {
    this.state = { ...this.state, ...patch };
    this.onState(this.state);
  }
}
