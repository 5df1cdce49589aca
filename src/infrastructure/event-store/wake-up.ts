/**
 * Wakes subscription loops: `wait` resolves true on the next signal, false after the timeout.
 * Missing a signal loses nothing (the loop polls); it only costs latency.
 */
export class WakeUp {
  private waiters = new Set<(signalled: boolean) => void>();

  signal(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake(true);
  }

  wait(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (signalled: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(signalled);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(done);
    });
  }
}
