import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { DomainError } from '../../domain/shared/domain-error.js';
import { hasRole, type Principal } from '../../application/identity/principal.js';
import { PresenceService } from '../../application/sessions/presence.service.js';
import { SessionService } from '../../application/sessions/session.service.js';
import { closeAtExpiry, TOKEN_EXPIRED_CLOSE } from '../auth/token-expiry.js';
import { ConsentPeers, within } from '../../application/signalling/consent-peers.js';
import { type AllowedDecision, ConsentView } from '../../application/signalling/consent-view.js';
import {
  type FrameMessage,
  RELAY_LEASES,
  type RelayLeases,
  type RelayMessage,
  SIGNALLING_BUS,
  type SignallingBus,
  type WatchMessage,
} from '../../application/signalling/signalling-bus.port.js';
import { type CloseMedia, type Media, participantsOf, participates } from '../../application/signalling/signalling.policy.js';
import { TokenVerifier } from '../../infrastructure/identity/jwt.js';
import { Metrics } from '../../infrastructure/metrics/metrics.js';
import { toProblem } from '../errors/problem.filter.js';
import { BadFrame, type ClientFrame, parseFrame } from './signalling-frames.js';

export const SIGNALLING_PATH = '/signalling';

/** The frame, or why it is refused (BadFrame); parseFrame throws nothing else. */
const parsed = (text: string): ClientFrame | BadFrame => {
  try {
    return parseFrame(text);
  } catch (error) {
    return error as BadFrame;
  }
};
export const SIGNALLING_NODE_ID = Symbol('SignallingNodeId');
/** The subprotocol browsers ask for, with `bearer.<JWT>` beside it to authenticate. */
export const SIGNALLING_PROTOCOL = 'tandem';

/** The JWT of a `bearer.<JWT>` subprotocol offered at the handshake. */
export function bearerProtocol(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  for (const protocol of value.split(',')) {
    const trimmed = protocol.trim();
    if (trimmed.startsWith('bearer.') && trimmed.length > 'bearer.'.length) return trimmed.slice('bearer.'.length);
  }
  return undefined;
}

/** Limits of one socket; exported so tests and docs name the same numbers. */
export const SIGNALLING_LIMITS = {
  /** Bigger frames get FRAME_TOO_LARGE and the socket closes with 1009. */
  maxFrameBytes: 64 * 1024,
  /** ws itself drops anything bigger (1009) before it is buffered whole. */
  hardMaxFrameBytes: 1024 * 1024,
  framesPerSecond: 50,
  /** Over the rate this long without a quiet second: close 4429. */
  floodCloseMs: 3000,
  socketsPerUser: 5,
  pingEveryMs: 30_000,
  /**
   * A node's relay lease (ConsentPeers), ms: it relays on the session state it keeps only while
   * the lease is current, and a consent change answered on another node waits at most this long
   * for a node that does not confirm it (paused, cut off).
   */
  relayLeaseMs: 3000,
  /**
   * How often the lease is renewed, ms; each renewal re-reads every joined session, so a lost
   * "session changed" message still closes media within this long.
   */
  relayLeaseRenewEveryMs: 1000,
  /** Other nodes' frames held at most while their consent is read (this node's lease not current); more are dropped. */
  busBacklog: 10_000,
  /**
   * A node that begins watching a session publishes its frames to the other nodes unconditionally
   * for this long, while the nodes already watching it answer its announcement; afterwards only
   * while another node watches it (one node alone publishes nothing). Far above a notification's
   * delivery time (milliseconds).
   */
  watchLearningMs: 3000,
  /** How often a node repeats which sessions it watches, so a lost announcement heals. */
  watchAnnounceEveryMs: 30_000,
} as const;

export const CLOSE = { unauthenticated: 4401, tokenExpired: TOKEN_EXPIRED_CLOSE, tooManySockets: 4408, flood: 4429, tooBig: 1009 } as const;

/** A frame waiting its turn, with the consent read a signal took as it arrived. */
interface Queued {
  readonly frame: ClientFrame | BadFrame;
  readonly fence?: Promise<void>;
}

interface Client {
  readonly ws: WebSocket;
  /** The TCP socket under `ws`, corked while frames for it gather in one turn of the event loop. */
  readonly socket: Duplex;
  principal?: Principal;
  readonly sessions: Set<string>;
  /** Token bucket (SIGNALLING_LIMITS.framesPerSecond). */
  tokens: number;
  refilledAt: number;
  floodSince?: number;
  lastDropAt: number;
  lastRateErrorAt: number;
  alive: boolean;
  /** Resolves to false when the handshake's token is refused (then nothing queued is handled). */
  authenticated?: Promise<boolean>;
  /** Frames not handled yet, in the order they came, each signal with its consent read (see `work`). */
  readonly queue: Queued[];
  /** Whether `work` is handling this socket's queue now. */
  working: boolean;
  /** Closes the socket when its token expires. */
  expiry?: NodeJS.Timeout;
}

/**
 * The WebRTC signalling socket (`/signalling?access_token=<JWT>`): relays SDP offers/answers and
 * ICE candidates between the participants of a session, only where the session's state allows
 * the media (SHR-4, TL-2, TL-5, MC-2), and tells both ends to close a peer connection when its
 * consent is gone (CTL-4, MC-3, SES-7). Whether a frame may go is ConsentView's answer, taken on
 * the session's current state (see there: no frame of withdrawn media after the command's
 * answer, on any node); this class keeps connections, frames and delivery. Nothing relayed is stored.
 *
 * A plain `ws` server on the app's HTTP server rather than a `@WebSocketGateway`: the handshake
 * is authenticated here and refused with our own close codes, frame sizes are checked before
 * parsing, and other paths' upgrades (graphql-ws on /graphql) are left alone — Nest's WsAdapter
 * destroys every upgrade whose path it does not own.
 */
@Injectable()
export class SignallingGateway implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Signalling');
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: SIGNALLING_LIMITS.hardMaxFrameBytes,
    perMessageDeflate: false,
    // Answer with `tandem`, never echo the bearer subprotocol back.
    handleProtocols: (protocols) => (protocols.has(SIGNALLING_PROTOCOL) ? SIGNALLING_PROTOCOL : false),
  });
  private readonly clients = new Set<Client>();
  private readonly bySession = new Map<string, Set<Client>>();
  private readonly socketsOfUser = new Map<string, number>();
  /** Other nodes with sockets joined to a session this node watches (their `watching` announcements). */
  private readonly remoteWatchers = new Map<string, Set<string>>();
  /** Sessions this node began watching lately, until when (ms since the epoch): published unconditionally. */
  private readonly learningUntil = new Map<string, number>();
  private announcer?: NodeJS.Timeout;
  private readonly unsubscribe: (() => void)[] = [];
  private pinger?: NodeJS.Timeout;
  /** This node's relay lease and the other nodes' confirmations (started with the bus). */
  private peers?: ConsentPeers;
  /** Other nodes' frames waiting for a consent read or for the frames before them (see `relayed`). */
  private readonly fromBus: { readonly message: FrameMessage; readonly fence?: Promise<void> }[] = [];
  private fromBusWorking = false;
  /** Other nodes' frames dropped since the last report (their consent could not be read in time, or the backlog was full). */
  private relayedDropped = 0;
  private upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** Sockets corked in this turn of the event loop; uncorked together at its end (one write each). */
  private readonly corked = new Set<Duplex>();
  /** Set once the node shuts down: sockets closing then announce nothing (the bus is going too). */
  private stopping = false;

  constructor(
    @Inject(HttpAdapterHost) private readonly host: HttpAdapterHost,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(PresenceService) private readonly presence: PresenceService,
    @Inject(ConsentView) private readonly consent: ConsentView,
    @Inject(SIGNALLING_BUS) private readonly bus: SignallingBus,
    @Inject(SIGNALLING_NODE_ID) private readonly node: string,
    @Inject(RELAY_LEASES) private readonly leases: RelayLeases,
    @Optional() @Inject(Metrics) private readonly metrics?: Metrics,
  ) {}

  /** The relayed-frames counter's child, resolved once (a label lookup per frame would show in bench:signalling). */
  private readonly relayedFrames = this.metrics?.signallingFrames.labels('relayed', '');

  async onApplicationBootstrap() {
    const server = this.host.httpAdapter.getHttpServer() as import('node:http').Server;
    this.upgrade = (req, socket, head) => {
      const index = req.url?.indexOf('?') ?? -1;
      const path = index === -1 ? req.url : req.url!.slice(0, index);
      if (path !== SIGNALLING_PATH) return; // another server's path (graphql-ws)
      this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws, req, socket));
    };
    server.on('upgrade', this.upgrade);
    await this.bus.start((message) => this.relayed(message));
    this.unsubscribe.push(this.consent.onChange((sessionId, closes) => this.closeMedia(sessionId, closes)));
    this.peers = new ConsentPeers(this.node, this.consent, this.leases, this.bus, {
      leaseMs: SIGNALLING_LIMITS.relayLeaseMs,
      renewEveryMs: SIGNALLING_LIMITS.relayLeaseRenewEveryMs,
      log: (message, error) => this.logger.warn({ err: error }, message),
    });
    // Confirmations first: a consent change answered here from now on waits for the other nodes.
    this.consent.attach(this.peers);
    await this.peers.start();
    this.pinger = setInterval(() => this.ping(), SIGNALLING_LIMITS.pingEveryMs);
    this.pinger.unref();
    this.announcer = setInterval(() => {
      for (const sessionId of this.bySession.keys()) this.announce(sessionId, true, true);
    }, SIGNALLING_LIMITS.watchAnnounceEveryMs);
    this.announcer.unref();
  }

  async onModuleDestroy() {
    clearInterval(this.pinger);
    clearInterval(this.announcer);
    // Relaying on kept state ends here; other nodes stop waiting for this one's confirmations.
    await this.peers?.stop();
    if (this.upgrade) (this.host.httpAdapter.getHttpServer() as import('node:http').Server).off('upgrade', this.upgrade);
    for (const stop of this.unsubscribe.splice(0)) stop();
    // Other nodes stop publishing this node's sessions to it; its sockets then close without a word each.
    this.stopping = true;
    for (const sessionId of this.bySession.keys()) this.announce(sessionId, false);
    for (const client of this.clients) client.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await this.bus.stop();
  }

  // ---- connection

  private connected(ws: WebSocket, req: IncomingMessage, socket: Duplex) {
    const now = Date.now();
    const client: Client = {
      ws,
      socket,
      sessions: new Set(),
      tokens: SIGNALLING_LIMITS.framesPerSecond,
      refilledAt: now,
      lastDropAt: 0,
      lastRateErrorAt: 0,
      alive: true,
      queue: [],
      working: false,
    };
    this.clients.add(client);
    this.metrics?.openSockets.inc({ endpoint: 'signalling' });
    ws.on('pong', () => (client.alive = true));
    ws.on('error', (error) => this.logger.warn({ err: error, userId: client.principal?.userId }, 'signalling socket error'));
    ws.on('close', () => this.disconnected(client));
    client.authenticated = this.authenticate(client, req);
    ws.on('message', (data, isBinary) => {
      if (!this.admit(client, data, isBinary)) return;
      const frame = parsed(data.toString());
      const signal = !(frame instanceof BadFrame) && frame.type === 'signal' && client.sessions.has(frame.sessionId) ? frame : undefined;
      // Nothing queued before it and the kept state current: relayed now, with no read and no promise.
      if (signal && !client.working && client.queue.length === 0 && this.relayKept(client, signal)) return;
      // Otherwise a signal's consent read starts as the frame arrives, not once the frames before
      // it are done (unless kept state may decide it then): a socket's frames still go in order,
      // but they wait for one read together.
      const fence = signal && !this.consent.keptIsCurrent(signal.sessionId) ? this.consent.fence(signal.sessionId) : undefined;
      client.queue.push({ frame, fence });
      if (!client.working) void this.work(client);
    });
  }

  /**
   * Handles a socket's queued frames one after another, in the order they came. A joined signal
   * is decided when its turn comes: on kept state when that allows it (`relayKept`), else after a
   * consent read (the one taken as it arrived, or one started now), then relayed synchronously:
   * no promise per frame (allocation per frame was the relay's largest cost after its writes,
   * bench:signalling).
   */
  private async work(client: Client): Promise<void> {
    client.working = true;
    try {
      if (!(await client.authenticated)) return void (client.queue.length = 0);
      for (let next = client.queue.shift(); next; next = client.queue.shift()) {
        if (client.ws.readyState !== WebSocket.OPEN) return void (client.queue.length = 0);
        const { frame, fence } = next;
        if (frame instanceof BadFrame || frame.type !== 'signal' || !client.sessions.has(frame.sessionId)) {
          await this.handle(client, frame);
          continue;
        }
        if (this.relayKept(client, frame)) continue;
        try {
          await (fence ?? this.consent.fence(frame.sessionId));
          this.signalNow(client, frame);
        } catch (error) {
          this.failed(client, frame, error);
        }
      }
    } finally {
      client.working = false;
    }
  }

  private async authenticate(client: Client, req: IncomingMessage): Promise<boolean> {
    // Browsers cannot set headers on a WebSocket: the consoles offer the token as a subprotocol
    // (`tandem`, `bearer.<JWT>`), which keeps it out of URLs and logs. `?access_token=` still works.
    const token = bearerProtocol(req.headers['sec-websocket-protocol']) ?? new URL(req.url ?? '/', 'http://localhost').searchParams.get('access_token');
    try {
      if (!token) throw new Error('access_token is missing');
      client.principal = await this.verifier.verify(token);
    } catch (error) {
      this.logger.warn({ reason: (error as Error).message }, 'signalling socket refused: bad or missing token');
      this.send(client, { type: 'error', code: 'UNAUTHENTICATED', message: 'a valid access_token is required' });
      client.ws.close(CLOSE.unauthenticated, 'unauthenticated');
      return false;
    }
    const userId = client.principal.userId;
    client.expiry = closeAtExpiry(client.principal, () => {
      this.send(client, { type: 'error', code: 'TOKEN_EXPIRED', message: 'the access token expired: reconnect with a fresh one' });
      client.ws.close(TOKEN_EXPIRED_CLOSE, 'token expired');
    });
    const count = (this.socketsOfUser.get(userId) ?? 0) + 1;
    this.socketsOfUser.set(userId, count);
    if (count > SIGNALLING_LIMITS.socketsPerUser) {
      this.logger.warn({ userId, sockets: count }, 'signalling socket refused: too many sockets');
      this.send(client, { type: 'error', code: 'TOO_MANY_SOCKETS', message: `at most ${SIGNALLING_LIMITS.socketsPerUser} signalling sockets per user` });
      client.ws.close(CLOSE.tooManySockets, 'too many sockets');
      return false;
    }
    return true;
  }

  private disconnected(client: Client) {
    clearTimeout(client.expiry);
    if (!this.clients.delete(client)) return;
    this.metrics?.openSockets.dec({ endpoint: 'signalling' });
    const userId = client.principal?.userId;
    if (userId) {
      const left = (this.socketsOfUser.get(userId) ?? 1) - 1;
      if (left <= 0) this.socketsOfUser.delete(userId);
      else this.socketsOfUser.set(userId, left);
    }
    for (const sessionId of client.sessions) {
      const set = this.bySession.get(sessionId);
      set?.delete(client);
      if (set?.size === 0) {
        this.bySession.delete(sessionId);
        this.remoteWatchers.delete(sessionId);
        this.learningUntil.delete(sessionId);
        if (!this.stopping) this.announce(sessionId, false);
      }
      this.consent.unwatch(sessionId);
    }
  }

  private ping() {
    for (const client of this.clients) {
      if (!client.alive) {
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }

  // ---- limits, checked as each frame arrives (before it is queued)

  private admit(client: Client, data: RawData, isBinary: boolean): boolean {
    if (client.ws.readyState !== WebSocket.OPEN) return false; // closing: what is still buffered is dropped
    const now = Date.now();
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer | ArrayBuffer).byteLength;
    if (size > SIGNALLING_LIMITS.maxFrameBytes) {
      this.logger.warn({ userId: client.principal?.userId, bytes: size }, 'signalling frame too large');
      this.error(client, 'FRAME_TOO_LARGE', `frames are limited to ${SIGNALLING_LIMITS.maxFrameBytes} bytes`);
      client.ws.close(CLOSE.tooBig, 'frame too large');
      return false;
    }
    client.tokens = Math.min(SIGNALLING_LIMITS.framesPerSecond, client.tokens + ((now - client.refilledAt) / 1000) * SIGNALLING_LIMITS.framesPerSecond);
    client.refilledAt = now;
    if (client.tokens < 1) {
      if (client.floodSince === undefined || now - client.lastDropAt > 1000) client.floodSince = now;
      client.lastDropAt = now;
      if (now - client.floodSince >= SIGNALLING_LIMITS.floodCloseMs) {
        this.logger.warn({ userId: client.principal?.userId }, 'signalling socket closed: sustained flood');
        this.error(client, 'RATE_LIMITED', 'sustained flood: closing');
        client.ws.close(CLOSE.flood, 'flood');
        return false;
      }
      // One error and one log line per second of breach, not one per dropped frame.
      if (now - client.lastRateErrorAt >= 1000) {
        client.lastRateErrorAt = now;
        this.logger.warn({ userId: client.principal?.userId }, 'signalling rate limit breached: frames dropped');
        this.error(client, 'RATE_LIMITED', `at most ${SIGNALLING_LIMITS.framesPerSecond} frames per second; frame dropped`);
      }
      return false;
    }
    client.tokens -= 1;
    if (isBinary) {
      this.logger.warn({ userId: client.principal?.userId }, 'signalling binary frame refused');
      this.error(client, 'BAD_FRAME', 'frames are JSON text');
      return false;
    }
    return true;
  }

  // ---- frames

  private async handle(client: Client, frame: ClientFrame | BadFrame): Promise<void> {
    if (frame instanceof BadFrame) {
      const bad = frame;
      this.logger.warn({ userId: client.principal?.userId, code: bad.code, field: bad.field, reason: bad.message }, 'signalling bad frame');
      this.send(client, { type: 'error', code: bad.code, message: bad.message, ...(bad.field ? { field: bad.field } : {}), ...(bad.ref !== undefined ? { ref: bad.ref } : {}) });
      return;
    }
    try {
      switch (frame.type) {
        case 'join':
          return await this.join(client, frame);
        case 'signal':
          return await this.signal(client, frame);
        case 'heartbeat':
          return await this.heartbeat(client, frame);
        default:
          return frame satisfies never;
      }
    } catch (error) {
      this.failed(client, frame, error);
    }
  }

  /** Tells the socket why its frame failed (a domain error's code, or INTERNAL logged). */
  private failed(client: Client, frame: ClientFrame, error: unknown) {
    if (client.ws.readyState !== WebSocket.OPEN) return; // closed meanwhile (or the app stopping): nobody to tell
    const problem = toProblem(error);
    if (!(error instanceof DomainError)) this.logger.error({ err: error }, 'signalling frame failed');
    this.error(client, problem.code, problem.detail, frame.ref);
  }

  private async join(client: Client, frame: Extract<ClientFrame, { type: 'join' }>) {
    const principal = client.principal!;
    const sessionId = frame.sessionId;
    const again = client.sessions.has(sessionId); // a socket watches a session once
    // The event stream, not the read model, says who takes part (read after the frame came).
    const { state } = again ? await this.consent.refresh(sessionId) : await this.consent.watch(sessionId);
    if (client.ws.readyState !== WebSocket.OPEN) {
      // Closing or closed while the session was read: it is not in `client.sessions`, so `disconnected` will not unwatch it.
      if (!again) this.consent.unwatch(sessionId);
      return;
    }
    if (!participates(state, principal.userId)) {
      if (!again) this.consent.unwatch(sessionId);
      if (state.status === 'ended') {
        await this.sessions.get(principal, sessionId); // SESSION_NOT_FOUND to those who may not see it
        return this.error(client, 'SESSION_ENDED', 'the session has ended', frame.ref);
      }
      // Supervisors may read any session, but only its participants take part in its media.
      return this.error(client, 'SESSION_NOT_FOUND', `session ${sessionId} not found`, frame.ref);
    }
    if (!again) {
      client.sessions.add(sessionId);
      let set = this.bySession.get(sessionId);
      if (!set) {
        this.bySession.set(sessionId, (set = new Set()));
        // The first socket here: the other nodes hear of it before its peer-joined (one bus, in order).
        this.learningUntil.set(sessionId, Date.now() + SIGNALLING_LIMITS.watchLearningMs);
        this.announce(sessionId, true);
      }
      set.add(client);
      // Either peer may open first: the others hear of the newcomer and offer again (a customer
      // who offered before the CSR's page was there, a CSR page reloaded mid-share).
      const arrived = { type: 'peer-joined', sessionId, from: principal.userId };
      this.deliver(sessionId, '*', arrived);
      this.bus
        .publish({ node: this.node, sessionId, to: '*', frame: arrived })
        .catch((error: unknown) => this.logger.warn({ err: error, sessionId }, 'peer-joined not relayed to other nodes'));
    }
    this.send(client, { type: 'joined', sessionId, you: principal.userId, participants: participantsOf(state), ...(frame.ref !== undefined ? { ref: frame.ref } : {}) });
  }

  /** A signal that was not fenced as it arrived (its socket joined the session after it came, or never). */
  private async signal(client: Client, frame: Extract<ClientFrame, { type: 'signal' }>) {
    if (!client.sessions.has(frame.sessionId)) return this.error(client, 'NOT_JOINED', 'join the session on this socket first', frame.ref);
    await this.consent.fence(frame.sessionId);
    this.signalNow(client, frame);
  }

  /**
   * Relays a joined socket's signal now if the state kept here allows it and this node's relay
   * lease is current (ConsentView.decideKept: every consent change answered anywhere has reached
   * this node); false when it must be decided after a read.
   */
  private relayKept(client: Client, frame: Extract<ClientFrame, { type: 'signal' }>): boolean {
    if (client.ws.readyState !== WebSocket.OPEN) return true; // closed meanwhile: nothing to relay for it
    const decision = this.consent.decideKept(frame.sessionId, client.principal!.userId, frame.to, frame.media, frame.shareId);
    if (!decision) return false;
    this.relay(client, frame, decision);
    return true;
  }

  /** Relays a joined socket's signal once its consent read is done (the caller awaited the fence). */
  private signalNow(client: Client, frame: Extract<ClientFrame, { type: 'signal' }>) {
    if (client.ws.readyState !== WebSocket.OPEN) return; // closed meanwhile: nothing to relay for it
    if (!client.sessions.has(frame.sessionId)) return this.error(client, 'NOT_JOINED', 'join the session on this socket first', frame.ref);
    const from = client.principal!.userId;
    // Decided on the session's state as of a read started after the frame arrived (SHR-4, CTL-4, MC-3, SES-7).
    const decision = this.consent.decideNow(frame.sessionId, from, frame.to, frame.media, frame.shareId);
    if (!decision.ok) {
      this.logger.warn({ userId: from, sessionId: frame.sessionId, media: frame.media, code: decision.code }, 'signalling frame refused');
      return this.error(client, decision.code, decision.message, frame.ref);
    }
    this.relay(client, frame, decision);
  }

  /** Sends an allowed signal to its targets' sockets here and, when other nodes may watch the session, to the bus. */
  private relay(client: Client, frame: Extract<ClientFrame, { type: 'signal' }>, decision: AllowedDecision) {
    const from = client.principal!.userId;
    const out = { type: 'signal', sessionId: frame.sessionId, from, media: frame.media, shareId: frame.shareId, kind: frame.kind, payload: frame.payload };
    const elsewhere = this.othersMayWatch(frame.sessionId);
    for (const to of decision.to) {
      this.deliver(frame.sessionId, to, out);
      // Other nodes' sockets get it through the bus; the socket's next frame does not wait for that.
      if (!elsewhere) continue;
      this.bus
        .publish({ node: this.node, sessionId: frame.sessionId, to, frame: out, version: decision.version })
        .catch((error: unknown) => this.logger.warn({ err: error, sessionId: frame.sessionId }, 'signalling frame not relayed to other nodes'));
    }
  }

  private async heartbeat(client: Client, frame: Extract<ClientFrame, { type: 'heartbeat' }>) {
    if (!hasRole(client.principal!, 'csr')) return; // a customer's browser has no console to keep open
    await this.presence.heartbeat(client.principal!, frame.sessionId);
  }

  // ---- delivery

  /** A frame from another node's socket, its news that a session changed (to confirm), a confirmation, or what it watches. */
  private relayed(message: RelayMessage) {
    if ('watching' in message) return this.watchedElsewhere(message);
    if ('confirmed' in message || ('changed' in message && message.confirm)) {
      this.peers
        ?.heardFrom(message)
        .catch((error: unknown) =>
          this.logger.warn({ err: error, sessionId: message.sessionId }, 'consent change not confirmed to the node that made it; it waits for this lease to run out'),
        );
      return;
    }
    if ('changed' in message) {
      if (this.bySession.has(message.sessionId))
        this.consent
          .refresh(message.sessionId)
          .catch((error: unknown) => this.logger.warn({ err: error, sessionId: message.sessionId }, 'signalling could not re-read a changed session'));
      return;
    }
    if (!this.bySession.has(message.sessionId)) return; // no socket of the session here
    // Frames go out in the order they came. While this node's lease is not current (or it holds no
    // state of the session yet), a consent-gated frame waits for a read started after it arrived,
    // as a frame from this node's own sockets would; so do the frames behind it.
    const gated = message.version !== undefined && (message.frame as { type?: unknown }).type === 'signal';
    if (!this.fromBusWorking && this.fromBus.length === 0 && (!gated || this.consent.keptIsCurrent(message.sessionId))) return this.deliverRelayed(message);
    if (this.fromBus.length >= SIGNALLING_LIMITS.busBacklog) {
      // The database is away or slow: frames that cannot be checked are dropped, not hoarded (peers resend signalling).
      this.relayedDropped++;
      return;
    }
    this.fromBus.push({ message, fence: gated && !this.consent.keptIsCurrent(message.sessionId) ? this.consent.fence(message.sessionId) : undefined });
    if (!this.fromBusWorking) void this.workFromBus();
  }

  /** Delivers the queued frames of other nodes in order, each gated one after its consent read. */
  private async workFromBus(): Promise<void> {
    this.fromBusWorking = true;
    try {
      for (let next = this.fromBus.shift(); next; next = this.fromBus.shift()) {
        const { message } = next;
        // Kept state that was current as the frame came may not be now (it waited behind others).
        const gated = message.version !== undefined && (message.frame as { type?: unknown }).type === 'signal';
        const fence = next.fence ?? (gated && !this.consent.keptIsCurrent(message.sessionId) ? this.consent.fence(message.sessionId) : undefined);
        // A read that fails or hangs (a connection dead on one side) must not hold every session's frames up.
        const fenced = fence
          ? (await within(
              fence.then(() => true),
              SIGNALLING_LIMITS.relayLeaseMs,
            )) === true
          : true;
        // No read, no judgement: a frame that cannot be checked is dropped (signalling is resent by its peers).
        if (!fenced) this.relayedDropped++;
        else
          try {
            this.deliverRelayed(message);
          } catch (error) {
            this.logger.warn({ err: error, sessionId: message.sessionId }, 'a frame from another node could not be delivered');
          }
      }
    } finally {
      this.fromBusWorking = false;
      if (this.relayedDropped > 0) {
        this.logger.warn({ frames: this.relayedDropped }, 'frames from other nodes dropped: their consent could not be read');
        this.relayedDropped = 0;
      }
    }
  }

  /**
   * Another node's frame to this node's sockets. The sending node decided it at `version`; a
   * newer state here (this node answered, or confirmed, the command that withdrew the media) has
   * the last word.
   */
  private deliverRelayed(message: FrameMessage) {
    const f = message.frame as { type?: unknown; from?: unknown; media?: unknown; shareId?: unknown };
    if (
      message.version !== undefined &&
      f.type === 'signal' &&
      !this.consent.stillAllowed(message.sessionId, message.version, String(f.from), message.to, f.media as Media, f.shareId as string | undefined)
    )
      return;
    this.deliver(message.sessionId, message.to, message.frame);
  }

  // ---- which other nodes watch a session (so that one node alone publishes no frame)

  /** Tells the other nodes this node holds (or no longer holds) sockets joined to the session. */
  private announce(sessionId: string, watching: boolean, reply = false) {
    this.bus
      .publish({ node: this.node, sessionId, watching, ...(reply ? { reply } : {}) })
      .catch((error: unknown) => this.logger.warn({ err: error, sessionId }, 'signalling watch not announced to other nodes'));
  }

  /** Another node's announcement: kept for sessions this node watches; a newcomer is answered. */
  private watchedElsewhere(message: WatchMessage) {
    const { sessionId, node } = message;
    if (!this.bySession.has(sessionId)) return;
    if (!message.watching) return void this.remoteWatchers.get(sessionId)?.delete(node);
    let nodes = this.remoteWatchers.get(sessionId);
    if (!nodes) this.remoteWatchers.set(sessionId, (nodes = new Set()));
    nodes.add(node);
    if (!message.reply) this.announce(sessionId, true, true);
  }

  /**
   * Whether a frame of this session must go to the bus: while this node is still learning who
   * else watches it (SIGNALLING_LIMITS.watchLearningMs after its first socket joined), or while
   * another node has said it watches it.
   */
  private othersMayWatch(sessionId: string): boolean {
    if ((this.remoteWatchers.get(sessionId)?.size ?? 0) > 0) return true;
    const until = this.learningUntil.get(sessionId);
    if (until === undefined) return false;
    if (Date.now() < until) return true;
    this.learningUntil.delete(sessionId);
    return false;
  }

  private deliver(sessionId: string, to: string, frame: Record<string, unknown>) {
    for (const client of this.bySession.get(sessionId) ?? []) {
      const userId = client.principal?.userId;
      if (to === '*' ? userId !== frame.from : userId === to) this.send(client, frame);
    }
  }

  // ---- consent withdrawn: close-media to both ends

  /** Tells both ends of every peer connection the session's new state no longer allows (this node's sockets). */
  private closeMedia(sessionId: string, closes: readonly CloseMedia[]) {
    for (const close of closes) {
      const frame = { type: 'close-media', sessionId, media: close.media, ...(close.shareId ? { shareId: close.shareId } : {}), reason: close.reason };
      for (const party of new Set(close.parties)) this.deliver(sessionId, party, frame);
    }
  }

  /**
   * Gathers what this turn of the event loop sends to a socket into one write: frames released
   * by one consent read go out together, and a system call per frame was the relay's largest
   * cost (bench:signalling's profile). Uncorked at the turn's end (setImmediate), so nothing waits
   * for more than the frames handled beside it.
   */
  private cork(socket: Duplex) {
    if (this.corked.has(socket)) return;
    if (this.corked.size === 0) setImmediate(this.uncork);
    this.corked.add(socket);
    socket.cork();
  }

  private readonly uncork = () => {
    for (const socket of this.corked) socket.uncork();
    this.corked.clear();
  };

  private error(client: Client, code: string, message: string, ref?: string | number) {
    this.send(client, { type: 'error', code, message, ...(ref !== undefined ? { ref } : {}) });
  }

  private send(client: Client, frame: Record<string, unknown>) {
    if (client.ws.readyState !== WebSocket.OPEN) return;
    this.cork(client.socket);
    client.ws.send(JSON.stringify(frame));
    if (frame.type === 'signal') this.relayedFrames?.inc();
    else if (frame.type === 'error') this.metrics?.signallingFrames.inc({ outcome: 'refused', code: String(frame.code) });
  }
}
