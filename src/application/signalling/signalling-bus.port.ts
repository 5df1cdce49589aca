/**
 * Carries signalling frames between server nodes: a session's sockets may sit on different
 * nodes. Each node delivers what it hears to its own sockets; a node ignores its own messages.
 * Frames pass through and are never kept (STYLE 7), beyond a short-lived relay row for frames
 * too big for one notification.
 */
export interface RelayMessage {
  /** The node that published it. */
  readonly node: string;
  readonly sessionId: string;
  /** A user id, or '*': every participant's sockets but the sender's (`from` in the frame). */
  readonly to: string;
  readonly frame: Record<string, unknown>;
}

export interface SignallingBus {
  publish(message: RelayMessage): Promise<void>;
  /** Starts listening; `deliver` gets every other node's messages. */
  start(deliver: (message: RelayMessage) => void): Promise<void>;
  stop(): Promise<void>;
}

export const SIGNALLING_BUS = Symbol('SignallingBus');

/**
 * The read model's version of each session: a node polls it for its joined sessions, because its
 * change feed only hears of changes this node's projection runner applied (another node may
 * have projected them).
 */
export interface SessionVersions {
  of(sessionIds: readonly string[]): Promise<ReadonlyMap<string, number>>;
}

export const SESSION_VERSIONS = Symbol('SessionVersions');
