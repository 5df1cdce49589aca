/**
 * Carries signalling frames between server nodes: a session's sockets may sit on different
 * nodes. Each node delivers what it hears to its own sockets; a node ignores its own messages.
 * Frames pass through and are never kept (STYLE 7), beyond a short-lived relay row for frames
 * too big for one notification.
 */
export type RelayMessage = FrameMessage | SessionChangedMessage | WatchMessage | ConfirmedMessage;

/** A frame for the sockets of `to` in a session. */
export interface FrameMessage {
  /** The node that published it. */
  readonly node: string;
  readonly sessionId: string;
  /** A user id, or '*': every participant's sockets but the sender's (`from` in the frame). */
  readonly to: string;
  readonly frame: Record<string, unknown>;
  /** The session stream version the sending node decided the relay at (consent-gated frames). */
  readonly version?: number;
}

/** A node answered a command that changed the session: nodes with its sockets re-read it (close-media). */
export interface SessionChangedMessage {
  readonly node: string;
  readonly sessionId: string;
  /** The stream version the command produced. */
  readonly changed: number;
  /**
   * The change may withdraw media (ConsentPeers): every node holding a relay lease re-reads the
   * session if it watches it and answers with a ConfirmedMessage before the command is answered.
   */
  readonly confirm?: boolean;
}

/** A node holds a session's state as of `confirmed` or newer (or does not watch it): for `to`, the node waiting. */
export interface ConfirmedMessage {
  readonly node: string;
  readonly sessionId: string;
  readonly confirmed: number;
  readonly to: string;
}

/**
 * A node holds (`watching: true`) or no longer holds (`false`) sockets joined to a session. Nodes
 * publish a session's frames to the bus only while another node watches it; a node watching the
 * session answers a newcomer's announcement (`reply`) so the newcomer learns of it too.
 */
export interface WatchMessage {
  readonly node: string;
  readonly sessionId: string;
  readonly watching: boolean;
  readonly reply?: boolean;
}

export interface SignallingBus {
  publish(message: RelayMessage): Promise<void>;
  /** Starts listening; `deliver` gets every other node's messages. */
  start(deliver: (message: RelayMessage) => void): Promise<void>;
  stop(): Promise<void>;
  /**
   * Whether this node hears the other nodes now (its subscription is up). A node that cannot hear
   * them cannot confirm consent changes: it lets its relay lease run out (ConsentPeers).
   */
  hearing(): boolean;
}

export const SIGNALLING_BUS = Symbol('SignallingBus');

/**
 * Which session streams moved past a version this node holds. A call must see every append
 * committed before it was made (the consent fence, see ConsentView).
 */
export interface SessionVersions {
  /**
   * The ids among `known`'s keys (session ids) whose stream's current version is greater than
   * the one given (a stream version, 0-based): usually none, so a fenced read returns no rows.
   */
  newer(known: ReadonlyMap<string, number>): Promise<readonly string[]>;
}

export const SESSION_VERSIONS = Symbol('SessionVersions');

/** Another node's relay lease, as the database's clock sees it. */
export interface PeerLease {
  readonly node: string;
  /** Milliseconds until it runs out (negative: ran out that long ago). Informative only: clocks step. */
  readonly remainingMs: number;
}

/**
 * Relay leases: a node relays consent-gated frames on the session state it keeps, without a read
 * per frame, only while it holds a lease; a node answering a command that changes consent waits
 * until every other lease holder confirmed the change or its lease ran out (ConsentPeers). The
 * database's clock is the only clock compared across nodes.
 */
export interface RelayLeases {
  /** Creates or extends `node`'s lease to `ms` milliseconds from the database's now. Resolves once committed. */
  renew(node: string, ms: number): Promise<void>;
  /** The leases of nodes other than `node` that have not run out, or ran out less than `recentMs` ago. */
  others(node: string, recentMs: number): Promise<readonly PeerLease[]>;
  /** Ends `node`'s lease (a node stopping). */
  release(node: string): Promise<void>;
}

export const RELAY_LEASES = Symbol('RelayLeases');
