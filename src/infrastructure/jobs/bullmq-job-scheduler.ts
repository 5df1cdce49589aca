import { Queue, Worker, createPostgresBackend, withBackend, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { JobRun, JobScheduler } from '../../application/jobs/job-scheduler.port.js';

export type JobBackend = { kind: 'postgres'; url: string; schema?: string } | { kind: 'redis'; url: string };

/**
 * BullMQ behind the JobScheduler port: one queue of timers, one worker dispatching by job name.
 * PostgreSQL (BullMQ 6's backend, its own schema) by default, so one database serves
 * everything; Redis when REDIS_URL is set.
 */
export class BullMqJobScheduler implements JobScheduler {
  private readonly handlers = new Map<string, (data: Record<string, unknown>, run: JobRun) => Promise<void>>();
  private readonly queue: Queue;
  private worker?: Worker;
  private readonly redis?: Redis[];

  constructor(
    private readonly backend: JobBackend,
    private readonly options: {
      queueName?: string;
      concurrency?: number;
      onFailure?: (name: string, error: unknown) => void;
      /** Told of every run's end (metrics): `completed`, or `failed` (it may be retried). */
      onOutcome?: (queue: string, name: string, outcome: 'completed' | 'failed') => void;
    } = {},
  ) {
    if (backend.kind === 'postgres') {
      const classes = withBackend(createPostgresBackend);
      this.queue = new classes.Queue(this.queueName, { connection: this.postgresConnection() }) as unknown as Queue;
    } else {
      this.redis = [];
      this.queue = new Queue(this.queueName, { connection: this.redisConnection() });
    }
    this.watchQueue();
  }

  /** Without a listener, BullMQ prints a queue's connection errors raw to stderr (issue 12). */
  private watchQueue(): void {
    (this.queue as unknown as { on(event: 'error', f: (error: Error) => void): void }).on('error', (error) => this.options.onFailure?.('queue', error));
  }

  private get queueName(): string {
    return this.options.queueName ?? 'tandem-timers';
  }

  /**
   * BullMQ's connection keeps the statement limit but not the idle-in-transaction one: its only
   * transaction spanning statements is its schema migration at start (queue operations are single
   * function calls), and BullMQ runs it on a pooled client without an 'error' listener, so a 25P03
   * termination while a starved process sits between two statements crashed the process and left
   * the connection's memoised start rejected for good.
   */
  private postgresConnection() {
    const backend = this.backend as Extract<JobBackend, { kind: 'postgres' }>;
    const url = new URL(backend.url);
    url.searchParams.set('idle_in_transaction_session_timeout', '0');
    return { connectionString: url.toString(), schema: backend.schema ?? 'bullmq', migrate: true };
  }

  private redisConnection(): Redis {
    const client = new Redis(this.backend.url, { maxRetriesPerRequest: null, lazyConnect: false });
    this.redis!.push(client);
    return client;
  }

  async schedule(name: string, data: Record<string, unknown>, options: { jobId: string; delayMs?: number; attempts?: number }): Promise<void> {
    await this.queue.add(name, data, jobOptions(options));
  }

  async scheduleMany(jobs: readonly { name: string; data: Record<string, unknown>; jobId: string; delayMs?: number; attempts?: number }[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue.addBulk(jobs.map((job) => ({ name: job.name, data: job.data, opts: jobOptions(job) })));
  }

  handle(name: string, handler: (data: Record<string, unknown>, run: JobRun) => Promise<void>): void {
    if (this.handlers.has(name)) throw new Error(`a handler for job ${name} is registered already`);
    this.handlers.set(name, handler);
  }

  async start(): Promise<void> {
    if (this.worker) return;
    const processor = async (job: Job) => {
      const handler = this.handlers.get(job.name);
      if (!handler) throw new Error(`no handler for job ${job.name}`);
      // BullMQ counts the failed runs before this one in attemptsMade.
      await handler(job.data as Record<string, unknown>, { attempt: job.attemptsMade + 1, attempts: job.opts.attempts ?? 1 });
    };
    const options = { concurrency: this.options.concurrency ?? 10 };
    if (this.backend.kind === 'postgres') {
      const classes = withBackend(createPostgresBackend);
      this.worker = new classes.Worker(this.queueName, processor, { ...options, connection: this.postgresConnection() }) as unknown as Worker;
    } else {
      this.worker = new Worker(this.queueName, processor, { ...options, connection: this.redisConnection() });
    }
    this.worker.on('failed', (job, error) => {
      this.options.onOutcome?.(this.queueName, job?.name ?? '?', 'failed');
      this.options.onFailure?.(job?.name ?? '?', error);
    });
    this.worker.on('completed', (job) => this.options.onOutcome?.(this.queueName, job.name, 'completed'));
    this.worker.on('error', (error) => this.options.onFailure?.('worker', error));
    await this.worker.waitUntilReady();
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    await Promise.all((this.redis ?? []).map((client) => client.quit().catch(() => undefined)));
  }
}

function jobOptions(options: { jobId: string; delayMs?: number; attempts?: number }) {
  return {
    jobId: bullMqJobId(options.jobId),
    delay: Math.max(0, options.delayMs ?? 0),
    attempts: options.attempts ?? 5,
    backoff: { type: 'exponential' as const, delay: 500 },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

/** BullMQ reserves ':' in job ids; percent-encoding keeps distinct ids distinct. */
export function bullMqJobId(jobId: string): string {
  return jobId.replace(/%/g, '%25').replace(/:/g, '%3A');
}
