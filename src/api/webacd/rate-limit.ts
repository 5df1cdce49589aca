/**
 * A fixed-window limit per client address, per node: enough to keep a public form from being
 * flooded. A cluster behind a load balancer multiplies it by the node count (documented).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the client may try again, or 0 when this request is allowed. */
  take(client: string): number {
    const now = this.now();
    const window = this.windows.get(client);
    if (!window || now - window.start >= 60_000) {
      this.windows.set(client, { start: now, count: 1 });
      if (this.windows.size > 100_000) this.sweep(now);
      return 0;
    }
    if (window.count >= this.perMinute) return Math.ceil((window.start + 60_000 - now) / 1000);
    window.count += 1;
    return 0;
  }

  private sweep(now: number): void {
    for (const [client, window] of this.windows) if (now - window.start >= 60_000) this.windows.delete(client);
  }
}
