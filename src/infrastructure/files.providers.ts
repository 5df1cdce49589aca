import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import { FileStore } from '@tus/file-store';
import { EVENT_STORE, type EventStore } from '../application/event-store/event-store.port.js';
import { BLOB_STORE, type BlobStore } from '../application/files/blob-store.port.js';
import { RETENTION_JOB, RetentionService } from '../application/files/retention.service.js';
import { StoredContentService } from '../application/files/stored-content.service.js';
import { UPLOAD_DATASTORE as STAGING } from '../application/files/staged-uploads.port.js';
import { JOB_SCHEDULER, type JobScheduler } from '../application/jobs/job-scheduler.port.js';
import { SessionService } from '../application/sessions/session.service.js';
import type { AppConfig } from './config/app-config.js';
import { FsBlobStore } from './files/fs-blob-store.js';
import { S3BlobStore } from './files/s3-blob-store.js';
import { TusStagedUploads } from './files/tus-staged-uploads.js';

/** The blob store the configuration names: DATA_DIR/blobs, or an S3-compatible bucket. */
export function blobStoreFor(config: AppConfig): BlobStore {
  return config.files.blobStore === 's3' && config.files.s3 ? new S3BlobStore(config.files.s3) : new FsBlobStore(join(config.dataDir, 'blobs'));
}

/**
 * Retention runs as a BullMQ job (ADM-1): one job per time slot, so every node may schedule the
 * current slot at start and only one runs it; each run schedules the next slot.
 */
@Injectable()
export class RetentionJobs implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    @Inject(JOB_SCHEDULER) private readonly jobs: JobScheduler,
    @Inject(RetentionService) private readonly retention: RetentionService,
    @Inject('RETENTION_SWEEP_MS') private readonly everyMs: number,
    @Inject(STAGING) private readonly staging: FileStore,
  ) {}

  onModuleInit() {
    this.jobs.handle(RETENTION_JOB, async (data) => {
      await this.retention.sweep();
      // Abandoned uploads (tus expiration extension): staged bytes of uploads unfinished past UPLOAD_EXPIRY_MS.
      await this.staging.deleteExpired();
      await this.scheduleSlot(Number(data.slot) + 1);
    });
  }

  async onApplicationBootstrap() {
    await this.scheduleSlot(Math.floor(Date.now() / this.everyMs));
  }

  private scheduleSlot(slot: number) {
    return this.jobs.schedule(RETENTION_JOB, { slot }, { jobId: `${RETENTION_JOB}:${slot}`, delayMs: slot * this.everyMs - Date.now() });
  }
}

/** Closes the S3 client at shutdown. */
@Injectable()
export class FilesLifecycle implements OnApplicationShutdown {
  constructor(@Inject(BLOB_STORE) private readonly blobs: BlobStore) {}

  onApplicationShutdown() {
    if (this.blobs instanceof S3BlobStore) this.blobs.close();
  }
}

export function fileProviders(config: AppConfig): Provider[] {
  const logger = new Logger('Files');
  return [
    { provide: BLOB_STORE, useFactory: () => blobStoreFor(config) },
    { provide: STAGING, useFactory: () => new FileStore({ directory: join(config.dataDir, 'uploads'), expirationPeriodInMilliseconds: config.files.uploadExpiryMs }) },
    { provide: 'RETENTION_SWEEP_MS', useValue: config.files.retentionSweepMs },
    {
      provide: StoredContentService,
      inject: [SessionService, EVENT_STORE, BLOB_STORE, STAGING],
      useFactory: (sessions: SessionService, store: EventStore, blobs: BlobStore, staging: FileStore) => {
        const content = new StoredContentService(sessions, store, blobs, new TusStagedUploads(staging), config.files.maxUploadBytes);
        sessions.useRecordings(content);
        return content;
      },
    },
    {
      provide: RetentionService,
      inject: [SessionService, BLOB_STORE],
      useFactory: (sessions: SessionService, blobs: BlobStore) =>
        new RetentionService(sessions, blobs, (key, error) => logger.warn({ err: error, key }, 'retention skipped a blob')),
    },
    RetentionJobs,
    FilesLifecycle,
  ];
}
