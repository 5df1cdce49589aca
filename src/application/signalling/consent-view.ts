import { initialSessionState, sessionDecider, type SessionEvent, type SessionState } from '../../domain/session/index.js';
import type { EventStore } from '../event-store/event-store.port.js';
import type { ConsentPeers, ConsentRefresh } from './consent-peers.js';
import type { SessionVersions } from './signalling-bus.port.js';
import { type CloseMedia, consentMayChange, type Media, mediaToClose, type RelayDecision, relayTargets } from './signalling.policy.js';

/** A session's folded state at a stream version (-1: no event yet). */
export interface ConsentState {
  readonly state: SessionState;
  readonly version: number;
}

/** A relay decision and the stream version it was taken at (carried to other nodes). */
export type ConsentDecision = RelayDecision & { readonly version: number };

/** A decision that lets the frame go. */
export type AllowedDecision = Extract<ConsentDecision, { readonly ok: true }>;

/** Told when a watched session's newer state no longer allows media the older one did. */
export type ConsentListener = (sessionId: string, closes: readonly CloseMedia[], now: ConsentState) => void;

/** Where the session service hands each command's result (ConsentView.apply). */
export interface ConsentSink {
  /**
   * `state` at stream `version`, decided on `before` (undefined: not known, e.g. a repeated command).
   * The session service answers the command once the returned promise settles; it never rejects.
   */
  apply(sessionId: string, version: number | undefined, state: SessionState, before?: SessionState): Promise<void> | void;
}

/**
 * Version reads that may overlap. With one, a frame arriving just after a read started waits for
 * it and then the next; with two, the next starts at once. Each read serves every frame that
 * arrived before it started.
 */
const READERS = 2;

const streamOf = (sessionId: string) => `session-${sessionId}`;

/** A promise with its settle functions, shared by all who wait for one read of one session. */
class Waiter {
  resolve!: () => void;
  reject!: (error: unknown) => void;
  readonly promise = new Promise<void>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });

  constructor() {
    // Whoever waits sees the failure; a waiter nobody awaits any more (its socket closed) must not crash the process.
    this.promise.catch(() => undefined);
  }
}

/**
 * What this node knows of the consent (shares, control, the active customer, video, voice, the
 * session's end) of the sessions whose signalling sockets it holds: the folded session state
 * from the event stream, never the read model (SHR-4, CTL-4, MC-3, SES-7).
 *
 * No frame of withdrawn media is relayed once the command that withdrew it has been answered,
 * on any node:
 * - `apply()`: the session service hands over the state its command produced, synchronously,
 *   before the command's answer is sent. This node's sockets are closed to that media from then
 *   on. When the change may alter consent, the answer also waits for the other nodes
 *   (ConsentPeers.confirm).
 * - `decideKept()`: while this node's relay lease is current (ConsentPeers), a frame is decided
 *   on the state kept here, with no read: every consent change answered anywhere has reached it.
 * - `decide()`: otherwise (no lease, a session still loading, or a frame the kept state refuses:
 *   a grant may be on its way), a fenced read compares the stream's current version with the kept
 *   one (one query for all sessions with frames waiting, started after those frames arrived) and
 *   folds whatever another node appended. An answer another node sent was sent after its append
 *   committed, so that read sees it.
 *
 * Sockets stay the gateway's business: it says which sessions to `watch` and delivers the
 * close-media frames this view reports to its listeners.
 */
export class ConsentView implements ConsentSink, ConsentRefresh {
  private readonly known = new Map<string, ConsentState>();
  /** Sockets on this node per watched session (the gateway's count; 0 = forget). */
  private readonly watchers = new Map<string, number>();
  private readonly listeners = new Set<ConsentListener>();
  /** The other nodes (relay lease and confirmations), once the gateway started them. */
  private peers?: Pick<ConsentPeers, 'valid' | 'confirm'>;
  /**
   * Sessions wanting a fenced read that has not started yet: one promise each, shared by every
   * frame and caller that asked before the read starts (no allocation per frame).
   */
  private next = new Map<string, Waiter>();
  /** Reads in flight or about to start (at most READERS: a frame waits for one read, not two). */
  private readers = 0;

  constructor(
    private readonly store: Pick<EventStore, 'readStream'>,
    private readonly versions: SessionVersions,
  ) {}

  /** Called on each change that closes media (close-media to both peers). */
  onChange(listener: ConsentListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Relays on kept state while `peers` says this node's lease is current, and has consent changes
   * confirmed by the other nodes before they are answered. Until then, every frame is fenced and
   * nothing is confirmed (a node without a gateway relays nothing).
   */
  attach(peers: Pick<ConsentPeers, 'valid' | 'confirm'>): void {
    this.peers = peers;
  }

  /**
   * Starts keeping the session's state (a socket joined it on this node) and returns it as of a
   * read started now. Pair each call with `unwatch`.
   */
  async watch(sessionId: string): Promise<ConsentState> {
    this.watchers.set(sessionId, (this.watchers.get(sessionId) ?? 0) + 1);
    try {
      return await this.refresh(sessionId);
    } catch (error) {
      this.unwatch(sessionId);
      throw error;
    }
  }

  unwatch(sessionId: string): void {
    const left = (this.watchers.get(sessionId) ?? 1) - 1;
    if (left > 0) return void this.watchers.set(sessionId, left);
    this.watchers.delete(sessionId);
    this.known.delete(sessionId);
  }

  watched(): string[] {
    return [...this.watchers.keys()];
  }

  /**
   * The state a command just produced (its stream version and folded state), from the session
   * service before it answers. Its effect on this node's sockets is synchronous: nothing can be
   * relayed between the command's append and this call. When the change may alter consent
   * (`before` → `state`, or `before` unknown), resolves once the other nodes confirmed it
   * (ConsentPeers.confirm); otherwise at once.
   */
  apply(sessionId: string, version: number | undefined, state: SessionState, before?: SessionState): Promise<void> | void {
    if (version === undefined) return;
    this.advance(sessionId, { state, version });
    if (before !== undefined && !consentMayChange(before, state)) return;
    return this.peers?.confirm(sessionId, version);
  }

  /** The newest state this node holds of a watched session, without a read. */
  current(sessionId: string): ConsentState | undefined {
    return this.known.get(sessionId);
  }

  /**
   * Resolves once this view holds the session's state as of a read that started after this call
   * (so after every command answered before it). Calls at the same moment share one read.
   */
  fence(sessionId: string): Promise<void> {
    return this.fresh(sessionId);
  }

  /**
   * The relay decision on the state kept here, with no read, when this node's lease is current
   * and the session is loaded and the kept state allows the frame; otherwise undefined, and the
   * frame takes a fenced read (`fence`, then `decideNow`). A refusal is never taken from kept
   * state: a grant answered on another node may be on its way.
   */
  decideKept(sessionId: string, from: string, to: string, media: Media, shareId: string | undefined): AllowedDecision | undefined {
    const now = this.known.get(sessionId);
    if (!now || !this.peers?.valid()) return undefined;
    const decision = relayTargets(now.state, from, to, media, shareId);
    return decision.ok ? { ok: true, to: decision.to, version: now.version } : undefined;
  }

  /** Whether frames of the session may be decided on kept state now (`decideKept`): no read needs to start as they arrive. */
  keptIsCurrent(sessionId: string): boolean {
    return this.known.has(sessionId) && this.peers?.valid() === true;
  }

  /** ConsentRefresh: a read started after now if the session is held or loading here; nothing to wait for otherwise. */
  caughtUp(sessionId: string): Promise<void> {
    return this.watchers.has(sessionId) ? this.fresh(sessionId) : Promise.resolve();
  }

  /** ConsentRefresh: every held or loading session, as of reads started after now (one query for the held ones). */
  async refreshAll(): Promise<void> {
    await Promise.all(this.watched().map((id) => this.fresh(id)));
  }

  /**
   * SHR-4 / CTL-4 / MC-3 / TL-2 / TL-5 / SES-7: may `from` send this media to `to`, judged on the
   * session's state as of a read started after this call, or after `fence` was taken (the frame's
   * arrival), and any newer state applied since?
   */
  async decide(sessionId: string, from: string, to: string, media: Media, shareId: string | undefined, fence: Promise<void> = this.fence(sessionId)): Promise<ConsentDecision> {
    await fence;
    return this.decideNow(sessionId, from, to, media, shareId);
  }

  /**
   * The same decision on the state held now, without a read: only for a frame whose `fence`
   * has resolved (the gateway awaits it first), so that state is as of a read started after the
   * frame arrived, or newer.
   */
  decideNow(sessionId: string, from: string, to: string, media: Media, shareId: string | undefined): ConsentDecision {
    const now = this.known.get(sessionId);
    const decision = relayTargets(now?.state ?? initialSessionState(), from, to, media, shareId);
    return { ...decision, version: now?.version ?? -1 };
  }

  /**
   * For a frame another node decided at `version`: false when this node already holds a newer
   * state that refuses it (this node answered the command that withdrew the media). No read.
   */
  stillAllowed(sessionId: string, version: number, from: string, to: string, media: Media, shareId: string | undefined): boolean {
    const now = this.known.get(sessionId);
    if (!now || now.version <= version) return true;
    return relayTargets(now.state, from, to, media, shareId).ok;
  }

  /** Re-reads a watched session now (another node announced a change, a periodic check, a second join). */
  async refresh(sessionId: string): Promise<ConsentState> {
    await this.fresh(sessionId);
    return this.known.get(sessionId) ?? { state: initialSessionState(), version: -1 };
  }

  // ---- the fenced read, batched

  /** Resolves once `known` holds the session's state as of a read that started after this call. */
  private fresh(sessionId: string): Promise<void> {
    let waiter = this.next.get(sessionId);
    if (!waiter) {
      waiter = new Waiter();
      this.next.set(sessionId, waiter);
    }
    if (this.readers < READERS) {
      this.readers++;
      // Frames that arrived in the same turn of the event loop share one read.
      setImmediate(() => void this.drain());
    }
    return waiter.promise;
  }

  private async drain(): Promise<void> {
    while (this.next.size > 0) {
      const batch = this.next;
      this.next = new Map();
      try {
        // Sessions held already: only those whose stream moved on are read. Others: read whole.
        const held = new Map<string, number>();
        const unheld: string[] = [];
        for (const id of batch.keys()) {
          const kept = this.known.get(id);
          if (kept) held.set(id, kept.version);
          else unheld.push(id);
        }
        const moved = held.size > 0 ? await this.versions.newer(held) : [];
        await Promise.all([...moved, ...unheld].map((id) => this.load(id, this.known.get(id))));
        for (const waiter of batch.values()) waiter.resolve();
      } catch (error) {
        for (const waiter of batch.values()) waiter.reject(error);
      }
    }
    this.readers--;
  }

  /** Folds the events after the kept version (the whole stream the first time). */
  private async load(sessionId: string, kept: ConsentState | undefined): Promise<void> {
    const events = await this.store.readStream(streamOf(sessionId), { fromVersion: kept ? kept.version + 1 : 0 });
    if (events.length === 0) {
      if (!kept && this.watchers.has(sessionId)) this.known.set(sessionId, { state: initialSessionState(), version: -1 });
      return;
    }
    // Another fold may have moved on meanwhile (a command applied): only a newer result counts.
    const state = events.reduce((s, e) => sessionDecider.evolve(s, { type: e.type, data: e.data } as SessionEvent), kept?.state ?? initialSessionState());
    this.advance(sessionId, { state, version: events.at(-1)!.version });
  }

  /** Keeps the newer state of a watched session and reports the media it closes. */
  private advance(sessionId: string, next: ConsentState): void {
    if (!this.watchers.has(sessionId)) return;
    const before = this.known.get(sessionId);
    if (before && before.version >= next.version) return;
    this.known.set(sessionId, next);
    if (!before) return;
    const closes = mediaToClose(before.state, next.state);
    if (closes.length === 0) return;
    for (const listener of this.listeners) listener(sessionId, closes, next);
  }
}
