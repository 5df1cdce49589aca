import type { ConfirmedMessage, RelayLeases, SessionChangedMessage, SignallingBus } from './signalling-bus.port.js';

/**
 * The promise's value, or undefined once it fails (told to `failed`) or `ms` milliseconds pass
 * first. The timer is cleared either way; the promise itself is not cancelled.
 */
export async function within<T>(promise: Promise<T>, ms: number, failed: (error: unknown) => void = () => undefined): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, late]);
  } catch (error) {
    failed(error);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** What ConsentPeers needs of the consent view: re-reading a session this node may hold. */
export interface ConsentRefresh {
  /**
   * Resolves once the session's state held here is as of a read started after this call, or at
   * once when this node neither holds nor is loading the session (a later watch reads after now).
   */
  caughtUp(sessionId: string): Promise<void>;
  /** Re-reads every session this node holds or is loading; resolves once all are as of a read started after the call. */
  refreshAll(): Promise<void>;
}

export interface ConsentPeersOptions {
  /** How long a lease runs, ms: the longest a consent change waits for a node that does not confirm. */
  readonly leaseMs: number;
  /** How often the lease is renewed, ms (well under leaseMs). */
  readonly renewEveryMs: number;
  /** The monotonic clock, ms (performance.now; tests may pass another). */
  readonly now?: () => number;
  readonly log?: (message: string, error?: unknown) => void;
}

/**
 * Lets every node relay consent-gated frames on the session state it keeps, with no read per
 * frame, while no command that changes consent is answered before every node has that change
 * (SHR-4, CTL-4, MC-3, SES-7 across nodes).
 *
 * The protocol, with leases in the database (RelayLeases) and messages on the signalling bus:
 * - **Lease.** A node relays on its kept state only until its local deadline: the moment it sent
 *   its last renewal plus `leaseMs` (less a margin for clock rate), and only once that renewal's
 *   re-read of every session it holds (`refreshAll`, reads started after the renewal committed)
 *   has been folded. It renews only while it hears the bus (`SignallingBus.hearing`): a node that
 *   cannot hear cannot confirm, and lets its lease run out.
 * - **Confirmation.** The node answering a command that may have changed consent, after its
 *   append committed: notes the time (`start`), reads the other leases and, if there are any,
 *   publishes "changed, confirm"; it answers once each listed node confirmed the session's new version or one lease
 *   (plus margin) has passed since `start`. A node confirms after re-reading the session (a read
 *   started after the message), or at once when it neither holds nor is loading the session.
 * - **Why it holds.** Take a node B that could relay on a state older than the change after the
 *   answer. B's deadline came from a renewal R that committed before the change did (a renewal
 *   committed after it re-read the session and saw the change), so B sent R before `start` and
 *   its deadline ends within one lease of `start`. R committed before the lease read, so B was
 *   listed: the answering node waited for B's confirmation or until past B's deadline.
 * - **Clocks.** Only each node's monotonic clock measures time. The database's clock only decides
 *   which leases are listed: leases that ran out less than a lease ago are listed too, so it may
 *   step back, or forward by up to a lease. The monotonic clock must run while a node is stopped
 *   (true for a stopped process or a GC pause; a hypervisor's pause of a virtual machine may stop it).
 * - A lost message, a paused node or a database away therefore cost waiting (one lease at most),
 *   never a leak: a node that cannot renew falls back to a read per frame, and a node that cannot
 *   read the leases waits a whole lease.
 */
export class ConsentPeers {
  private deadline = 0;
  private timer?: NodeJS.Timeout;
  private renewing?: Promise<void>;
  private stopped = false;
  /** Confirmations heard, per session: the highest version each node confirmed. */
  private readonly heard = new Map<string, Map<string, number>>();
  /** Waiters per session, told of each confirmation heard. */
  private readonly waiting = new Map<string, Set<() => void>>();
  private readonly now: () => number;
  /** Renewal steps failing now (logged once each until they succeed again). */
  private readonly failures = new Set<'lease' | 'refresh'>();

  constructor(
    private readonly node: string,
    private readonly view: ConsentRefresh,
    private readonly leases: RelayLeases,
    private readonly bus: Pick<SignallingBus, 'publish' | 'hearing'>,
    private readonly options: ConsentPeersOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Takes the first lease (a failure is logged: relaying then reads per frame until a renewal succeeds) and keeps renewing it. */
  async start(): Promise<void> {
    await this.renew();
    if (this.stopped) return;
    this.timer = setInterval(() => void this.renew(), this.options.renewEveryMs);
    this.timer.unref();
  }

  /**
   * Stops relaying on kept state at once, then ends the lease (other nodes stop waiting for this
   * one). Bounded by one lease: a database that is away must not hold the shutdown (the lease then
   * runs out by itself).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.deadline = 0;
    clearInterval(this.timer);
    // After a renewal in flight: released first, its row could come back and hold others up for a lease.
    const released = (this.renewing ?? Promise.resolve()).then(() => this.leases.release(this.node));
    await this.within(released, this.options.leaseMs, 'quiet');
  }

  /** Whether this node may relay on the session state it keeps (its lease is current). */
  valid(): boolean {
    return this.now() < this.deadline;
  }

  /**
   * Resolves once every other node holding a relay lease has confirmed it holds the session at
   * `version` or newer, or its lease ran out; at most `leaseMs` (plus margin) when the leases
   * cannot be read. Never rejects: the command it follows is stored.
   */
  async confirm(sessionId: string, version: number): Promise<void> {
    const heard = this.heard.get(sessionId) ?? new Map<string, number>();
    this.heard.set(sessionId, heard);
    const waiters = this.waiting.get(sessionId) ?? new Set<() => void>();
    this.waiting.set(sessionId, waiters);
    let wake: () => void = () => undefined;
    const onHeard = () => wake();
    waiters.add(onHeard);
    const timers: NodeJS.Timeout[] = [];
    try {
      // Counted from before anything is asked: every lease renewed before this change was stored
      // ends within one lease from here (renewals after it re-read the session and see the change).
      const start = this.now();
      const leases = await this.within(this.leases.others(this.node, this.options.leaseMs), this.options.leaseMs);
      if (leases?.length === 0) return; // no other node relays on kept state: nobody to ask (one node alone publishes nothing)
      const message: SessionChangedMessage = { node: this.node, sessionId, changed: version, confirm: true };
      // Not awaited: a bus or database that hangs must cost a lease at most, never the answer.
      this.bus.publish(message).catch((error: unknown) => this.options.log?.('consent change not announced to other nodes; waiting for their leases to run out', error));
      // A listed node relays on state older than this change only under a deadline from a renewal
      // that committed before the change (a later renewal re-read the session), so at most one
      // lease after `start`: that covers it whatever the database's clock did (the remaining time
      // it reports is not trusted, so a clock stepped back costs no more than a lease). Leases
      // that ran out less than a lease ago are listed too: a clock stepped forward by up to a
      // lease is tolerated; a bigger forward step could leave out a live node.
      const lapse = new Map<string, number>();
      if (leases === undefined) lapse.set('', start + this.margin(this.options.leaseMs));
      else for (const p of leases) lapse.set(p.node, start + this.margin(this.options.leaseMs));
      for (;;) {
        const now = this.now();
        const pending = [...lapse].filter(([node, until]) => (heard.get(node) ?? -1) < version && now < until);
        if (pending.length === 0) return;
        const until = Math.min(...pending.map(([, at]) => at));
        await new Promise<void>((resolve) => {
          wake = resolve;
          timers.push(setTimeout(resolve, Math.max(1, until - now)));
        });
      }
    } finally {
      for (const timer of timers) clearTimeout(timer);
      waiters.delete(onHeard);
      if (waiters.size === 0) {
        this.waiting.delete(sessionId);
        this.heard.delete(sessionId);
      }
    }
  }

  /** Another node's message: a change to confirm (answered on the bus), or a confirmation for this node. */
  async heardFrom(message: SessionChangedMessage | ConfirmedMessage): Promise<void> {
    if ('confirmed' in message) {
      if (message.to !== this.node) return;
      const heard = this.heard.get(message.sessionId);
      if (!heard) return; // nobody waits for it
      heard.set(message.node, Math.max(heard.get(message.node) ?? -1, message.confirmed));
      for (const wake of this.waiting.get(message.sessionId) ?? []) wake();
      return;
    }
    if (!message.confirm) return;
    await this.view.caughtUp(message.sessionId);
    await this.bus.publish({ node: this.node, sessionId: message.sessionId, confirmed: message.changed, to: message.node });
  }

  /** Logs a failure once until it clears (one a second would flood the log while the database is away). */
  private failing(what: 'lease' | 'refresh', message: string, error: unknown): void {
    if (this.stopped || this.failures.has(what)) return;
    this.failures.add(what);
    this.options.log?.(message, error);
  }

  /** Elapsed time on two clocks may differ a little: 1% and 20 ms more than `ms`. */
  private margin(ms: number): number {
    return ms * 1.01 + 20;
  }

  /** `within`, logging a failure (not a timeout) unless `quiet` or stopping. */
  private within<T>(promise: Promise<T>, ms: number, quiet?: 'quiet'): Promise<T | undefined> {
    return within(promise, ms, (error) => {
      if (!quiet && !this.stopped) this.options.log?.('relay leases unreadable; waiting one whole lease', error);
    });
  }

  /**
   * One renewal at a time: the lease, then a re-read of every held session (also when the lease
   * could not be written: the re-read is what closes media after a lost message), then, if both
   * succeeded, the new deadline.
   */
  private renew(): Promise<void> {
    this.renewing ??= (async () => {
      const sent = this.now();
      // Deaf to the bus, this node cannot confirm changes: its lease runs out rather than hold every other node's answers up.
      const renewed = await (this.bus.hearing() ? this.leases.renew(this.node, this.options.leaseMs) : Promise.reject(new Error('not hearing the signalling bus'))).then(
        () => true,
        (error: unknown) => (this.failing('lease', 'relay lease not renewed: frames are checked against the database until it is', error), false),
      );
      const refreshed = await this.view.refreshAll().then(
        () => true,
        (error: unknown) => (this.failing('refresh', 'joined sessions not re-read; relaying on kept state waits for a re-read', error), false),
      );
      if (renewed) this.failures.delete('lease');
      if (refreshed) this.failures.delete('refresh');
      if (renewed && refreshed && !this.stopped) this.deadline = Math.max(this.deadline, sent + this.options.leaseMs * 0.99 - 20);
    })().finally(() => (this.renewing = undefined));
    return this.renewing;
  }
}
