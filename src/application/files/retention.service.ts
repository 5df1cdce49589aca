import { DomainError } from '../../domain/shared/domain-error.js';
import { SYSTEM } from '../identity/principal.js';
import type { SessionService } from '../sessions/session.service.js';
import { type BlobStore, parseBlobKey } from './blob-store.port.js';

export const RETENTION_JOB = 'retention-sweep';
const DAY_MS = 86_400_000;

/**
 * ADM-1 retention: deletes the bytes of recordings and files older than the site keeps them,
 * recording RecordingDeleted / FileExpired first (the decider decides, by the event's time).
 * Each deletion is: event (command id `retention:<kind>:<id>`, so a repeat stores nothing new),
 * then the blob. A run cut anywhere (a restart) is finished by the next one.
 */
export class RetentionService {
  constructor(
    private readonly sessions: Pick<SessionService, 'command' | 'retention'>,
    private readonly blobs: BlobStore,
    private readonly onSkip: (key: string, error: unknown) => void = () => undefined,
  ) {}

  /** One pass over the blob store; returns how many blobs it deleted. `now` for tests and the job's own clock. */
  async sweep(now: Date = new Date()): Promise<number> {
    const retention = await this.sessions.retention();
    let deleted = 0;
    for (const prefix of ['recordings/', 'files/'] as const) {
      const days = prefix === 'recordings/' ? retention.recordingDays : retention.fileDays;
      for await (const blob of this.blobs.list(prefix)) {
        const parsed = parseBlobKey(blob.key);
        // The blob's write time is a cheap first filter; the decider checks the event's time.
        if (!parsed || now.getTime() - blob.storedAt.getTime() < days * DAY_MS) continue;
        try {
          await this.sessions.command(
            SYSTEM,
            parsed.sessionId,
            'ExpireStoredContent',
            { kind: parsed.kind, id: parsed.id },
            { commandId: `retention:${parsed.kind}:${parsed.id}`, now },
          );
        } catch (error) {
          // Bytes no event speaks of (a crash between storing and recording them) are deleted too.
          const orphan = error instanceof DomainError && (error.code === 'STORED_CONTENT_NOT_FOUND' || error.code === 'SESSION_NOT_FOUND');
          if (!orphan) {
            this.onSkip(blob.key, error);
            continue;
          }
        }
        await this.blobs.delete(blob.key);
        deleted += 1;
      }
    }
    return deleted;
  }
}
