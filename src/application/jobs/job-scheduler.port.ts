/**
 * Timers that must outlive a restart (offer timeouts, abandoned requests, mail retries). A job
 * only carries what to look at; the decision it leads to is a decider's, so running a job twice
 * is harmless. Scheduling the same `jobId` twice keeps one job.
 */
export interface JobScheduler {
  schedule(name: string, data: Record<string, unknown>, options: { jobId: string; delayMs?: number; attempts?: number }): Promise<void>;
  /** Several jobs in one call (one round trip where the backend allows); same rules as `schedule`. */
  scheduleMany(jobs: readonly { name: string; data: Record<string, unknown>; jobId: string; delayMs?: number; attempts?: number }[]): Promise<void>;
  /**
   * Registers the handler for jobs of this name; a thrown error retries the job with backoff until
   * its attempts are spent. `run` tells the handler which attempt this is, so the last one can
   * record a final failure instead of throwing.
   */
  handle(name: string, handler: (data: Record<string, unknown>, run: JobRun) => Promise<void>): void;
  /** Starts processing (after every handler is registered). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Which run of a job this is: `attempt` counts from 1 up to `attempts` (the job's budget). */
export interface JobRun {
  readonly attempt: number;
  readonly attempts: number;
}

export const JOB_SCHEDULER = Symbol('JobScheduler');
