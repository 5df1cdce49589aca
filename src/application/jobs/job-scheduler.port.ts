/**
 * Timers that must outlive a restart (offer timeouts, abandoned requests, mail retries). A job
 * only carries what to look at; the decision it leads to is a decider's, so running a job twice
 * is harmless. Scheduling the same `jobId` twice keeps one job.
 */
export interface JobScheduler {
  schedule(name: string, data: Record<string, unknown>, options: { jobId: string; delayMs?: number; attempts?: number }): Promise<void>;
  /** Registers the handler for jobs of this name; a thrown error retries the job with backoff. */
  handle(name: string, handler: (data: Record<string, unknown>) => Promise<void>): void;
  /** Starts processing (after every handler is registered). */
  start(): Promise<void>;
  close(): Promise<void>;
}

export const JOB_SCHEDULER = Symbol('JobScheduler');
