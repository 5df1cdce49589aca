import { applyDisplayMode, DISPLAY_MODES, type DisplayMode, iceServers, type Media, SharePeer, SignallingClient } from '../../lib/signalling';

export interface SenderState {
  sharing: boolean;
  shareId?: string;
  connection?: RTCPeerConnectionState;
  /** Pointer of the CSR on a control share (SHR-1 control), in 0..1 of the screen. */
  pointer?: { x: number; y: number; kind: string };
  error?: string;
}

/**
 * The customer's side of an approved share: captures the screen (getDisplayMedia) and offers it
 * to the controlling CSR through the signalling gateway. Whoever opens first, the picture gets
 * there: when the CSR's console joins later (`peer-joined`), the offer is made again.
 */
export class ScreenSender {
  private readonly signalling: SignallingClient;
  private ice: Promise<RTCIceServer[]>;
  private stream?: MediaStream;
  private peer?: SharePeer;
  private target?: { shareId: string; media: Media; to: string; mode: DisplayMode };
  private state: SenderState = { sharing: false };

  constructor(
    sessionId: string,
    private readonly token: () => string,
    private readonly onState: (s: SenderState) => void,
    /** The customer stopped sharing from the browser's own control. */
    private readonly onUserStopped: (shareId: string) => void,
  ) {
    this.ice = iceServers(token());
    this.signalling = new SignallingClient(sessionId, token, {
      signal: (f) => {
        if (!this.peer || f.shareId !== this.peer.shareId || f.from !== this.peer.peer) return;
        if (f.kind === 'answer') void this.peer.remote(f.payload as RTCSessionDescriptionInit);
        else if (f.kind === 'candidate') void this.peer.candidate(f.payload as RTCIceCandidateInit);
      },
      peerJoined: (f) => {
        if (this.stream && this.target && f.from === this.target.to) void this.offer();
      },
      closeMedia: (f) => {
        if (this.target && f.shareId === this.target.shareId) this.stop();
      },
      error: (f) => this.set({ error: f.code }),
    });
  }

  /** Starts capturing and offering for `shareId` to the controlling CSR `to`. */
  async start(shareId: string, media: Media, to: string, mode: DisplayMode): Promise<void> {
    if (this.stream && this.target?.shareId === shareId) return;
    this.stop();
    const p = DISPLAY_MODES[mode];
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: { width: { max: p.width }, height: { max: p.height }, frameRate: { max: p.frameRate } }, audio: false });
    this.stream = stream;
    this.target = { shareId, media, to, mode };
    stream.getVideoTracks()[0]?.addEventListener('ended', () => {
      if (this.target?.shareId === shareId) this.onUserStopped(shareId);
      this.stop();
    });
    this.set({ sharing: true, shareId, error: undefined });
    await this.offer();
  }

  /** OPT-1: new encoder parameters on the running share. */
  async displayMode(mode: DisplayMode): Promise<void> {
    if (!this.target || this.target.mode === mode) return;
    this.target.mode = mode;
    const sender = this.peer?.pc.getSenders().find((s) => s.track?.kind === 'video');
    if (sender) await applyDisplayMode(sender, mode);
  }

  stop(): void {
    this.peer?.close();
    this.peer = undefined;
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = undefined;
    this.target = undefined;
    this.set({ sharing: false, shareId: undefined, connection: undefined, pointer: undefined });
  }

  close(): void {
    this.stop();
    this.signalling.close();
  }

  private async offer() {
    const { stream, target } = this;
    if (!stream || !target) return;
    this.peer?.close();
    const peer = new SharePeer(await this.ice, this.signalling, target.to, target.media, target.shareId);
    this.peer = peer;
    peer.pc.onconnectionstatechange = () => this.peer === peer && this.set({ connection: peer.pc.connectionState });
    // Control shares: the CSR's pointer and keys arrive on a data channel the page shows.
    const channel = peer.pc.createDataChannel('control');
    channel.onmessage = (e) => {
      try {
        const m = JSON.parse(String(e.data)) as { type: string; x: number; y: number };
        if (typeof m.x === 'number' && typeof m.y === 'number') this.set({ pointer: { x: m.x, y: m.y, kind: m.type } });
      } catch {
        // not ours
      }
    };
    for (const track of stream.getTracks()) {
      const sender = peer.pc.addTrack(track, stream);
      if (track.kind === 'video') await applyDisplayMode(sender, target.mode);
    }
    await peer.offer();
  }

  private set(patch: Partial<SenderState>) {
    this.state = { ...this.state, ...patch };
    this.onState(this.state);
  }
}
