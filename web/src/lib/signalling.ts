import { rest } from './rest';
import { socketUrl } from './apollo';

export type Media = 'desktop' | 'application' | 'cobrowse' | 'video' | 'voice';

export interface SignalFrame {
  type: 'signal';
  sessionId: string;
  from: string;
  media: Media;
  shareId?: string;
  kind: 'offer' | 'answer' | 'candidate';
  payload: unknown;
}
export interface CloseMediaFrame {
  type: 'close-media';
  sessionId: string;
  media: Media;
  shareId?: string;
  reason: string;
}
export interface PeerJoinedFrame {
  type: 'peer-joined';
  sessionId: string;
  from: string;
}
export interface ErrorFrame {
  type: 'error';
  code: string;
  message: string;
  ref?: string | number;
}
type ServerFrame = SignalFrame | CloseMediaFrame | PeerJoinedFrame | ErrorFrame | { type: 'joined'; sessionId: string; you: string };

export interface SignallingHandlers {
  signal?(frame: SignalFrame): void;
  closeMedia?(frame: CloseMediaFrame): void;
  peerJoined?(frame: PeerJoinedFrame): void;
  error?(frame: ErrorFrame): void;
  joined?(): void;
}

/**
 * The socket to Tandem's signalling gateway (/signalling) for one session. The bearer token is
 * offered as a subprotocol (`bearer.<JWT>`), never in the URL. It reconnects and joins again
 * after a drop; a CSR console also sends its presence heartbeat on it (SES-5).
 */
export class SignallingClient {
  private ws?: WebSocket;
  private closed = false;
  private heartbeat?: number;
  private retry = 0;
  private queue: string[] = [];

  constructor(
    private readonly sessionId: string,
    private readonly token: () => string,
    private readonly handlers: SignallingHandlers,
    private readonly options: { heartbeatMs?: number } = {},
  ) {
    this.open();
  }

  send(frame: Omit<SignalFrame, 'type' | 'sessionId' | 'from'> & { to: string }): void {
    const text = JSON.stringify({ type: 'signal', sessionId: this.sessionId, ...frame });
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(text);
    else this.queue.push(text);
  }

  close(): void {
    this.closed = true;
    window.clearInterval(this.heartbeat);
    this.ws?.close(1000);
  }

  private open() {
    const ws = new WebSocket(socketUrl('/signalling'), ['tandem', `bearer.${this.token()}`]);
    this.ws = ws;
    ws.onopen = () => {
      this.retry = 0;
      ws.send(JSON.stringify({ type: 'join', sessionId: this.sessionId }));
      if (this.options.heartbeatMs) {
        const beat = () => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ type: 'heartbeat', sessionId: this.sessionId }));
        beat();
        window.clearInterval(this.heartbeat);
        this.heartbeat = window.setInterval(beat, this.options.heartbeatMs);
      }
    };
    ws.onmessage = (message) => {
      const frame = JSON.parse(String(message.data)) as ServerFrame;
      switch (frame.type) {
        case 'joined':
          for (const text of this.queue.splice(0)) ws.send(text);
          this.handlers.joined?.();
          return;
        case 'signal':
          return this.handlers.signal?.(frame);
        case 'close-media':
          return this.handlers.closeMedia?.(frame);
        case 'peer-joined':
          return this.handlers.peerJoined?.(frame);
        case 'error':
          return this.handlers.error?.(frame);
      }
    };
    ws.onclose = () => {
      window.clearInterval(this.heartbeat);
      if (this.closed) return;
      this.retry += 1;
      window.setTimeout(() => !this.closed && this.open(), Math.min(5000, 250 * 2 ** this.retry));
    };
  }
}

/** STUN/TURN servers for this caller (short-lived TURN credentials). */
export async function iceServers(token: string): Promise<RTCIceServer[]> {
  try {
    const answer = await rest<{ iceServers: RTCIceServer[] }>('/api/v1/ice-servers', { token });
    return answer.iceServers;
  } catch {
    return [];
  }
}

/** One peer connection of a share, with candidates held back until the remote description is set. */
export class SharePeer {
  readonly pc: RTCPeerConnection;
  private pending: RTCIceCandidateInit[] = [];
  private remoteSet = false;

  constructor(
    ice: RTCIceServer[],
    private readonly signalling: SignallingClient,
    readonly peer: string,
    readonly media: Media,
    readonly shareId: string,
  ) {
    this.pc = new RTCPeerConnection({ iceServers: ice });
    this.pc.onicecandidate = (e) => {
      if (e.candidate) this.signalling.send({ to: peer, media, shareId, kind: 'candidate', payload: e.candidate.toJSON() });
    };
  }

  async offer(): Promise<void> {
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    this.signalling.send({ to: this.peer, media: this.media, shareId: this.shareId, kind: 'offer', payload: { type: offer.type, sdp: offer.sdp } });
  }

  async answerTo(offer: RTCSessionDescriptionInit): Promise<void> {
    await this.remote(offer);
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    this.signalling.send({ to: this.peer, media: this.media, shareId: this.shareId, kind: 'answer', payload: { type: answer.type, sdp: answer.sdp } });
  }

  async remote(description: RTCSessionDescriptionInit): Promise<void> {
    await this.pc.setRemoteDescription(description);
    this.remoteSet = true;
    for (const candidate of this.pending.splice(0)) await this.pc.addIceCandidate(candidate).catch(() => undefined);
  }

  async candidate(candidate: RTCIceCandidateInit): Promise<void> {
    if (!this.remoteSet) this.pending.push(candidate);
    else await this.pc.addIceCandidate(candidate).catch(() => undefined);
  }

  close(): void {
    this.pc.onicecandidate = null;
    this.pc.close();
  }
}

/**
 * OPT-1: the display mode sets real encoder parameters of the shared track. Standard: full
 * resolution, up to 15 frames/s, more bits; screen sampling: half the pixels, 5 frames/s.
 */
export const DISPLAY_MODES = {
  standard: { width: 1920, height: 1080, frameRate: 15, maxBitrate: 2_500_000, scaleResolutionDownBy: 1 },
  screen_sampling: { width: 1280, height: 720, frameRate: 5, maxBitrate: 600_000, scaleResolutionDownBy: 2 },
} as const;

export type DisplayMode = keyof typeof DISPLAY_MODES;

/** Applies a display mode to a sender: capture constraints on the track, encodings on the sender. */
export async function applyDisplayMode(sender: RTCRtpSender, mode: DisplayMode): Promise<void> {
  const p = DISPLAY_MODES[mode];
  await sender.track?.applyConstraints({ frameRate: { max: p.frameRate } }).catch(() => undefined);
  const parameters = sender.getParameters();
  if (!parameters.encodings?.length) parameters.encodings = [{}];
  for (const encoding of parameters.encodings) {
    encoding.maxFramerate = p.frameRate;
    encoding.maxBitrate = p.maxBitrate;
    encoding.scaleResolutionDownBy = p.scaleResolutionDownBy;
  }
  await sender.setParameters(parameters).catch(() => undefined);
}
