import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { forbidden, illegalState, notFound, validationError } from '../../domain/shared/domain-error.js';
import { fileAudience, RECORDING_TYPE, type SessionState, type StoredItem } from '../../domain/session/index.js';
import { hasRole, type Principal } from '../identity/principal.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { type RecordingSeal, sessionAggregate, type SessionService } from '../sessions/session.service.js';
import { type BlobStore, blobKey, type ByteRange } from './blob-store.port.js';
import { DigestingStream, digestOf } from './digesting-stream.js';
import { sanitizeFileName } from './file-names.js';
import type { StagedUpload, StagedUploads } from './staged-uploads.port.js';

/** Stable codes of uploads and downloads (besides the session's own). */
export const UPLOAD_TOO_LARGE = 'UPLOAD_TOO_LARGE';
export const INVALID_UPLOAD = 'INVALID_UPLOAD';
export const UPLOAD_NOT_FOUND = 'UPLOAD_NOT_FOUND';
export const RECORDING_UPLOAD_EXISTS = 'RECORDING_UPLOAD_EXISTS';
export const FILE_NOT_FOUND = 'FILE_NOT_FOUND';
export const RECORDING_NOT_FOUND = 'RECORDING_NOT_FOUND';

/** What a client declares when it creates an upload (tus `Upload-Metadata`). */
export interface UploadRequest {
  /** `file`: TL-3 publish (no transfer) or TL-4 send (with `transferId`); `recording`: REC-1/REC-2 chunks. */
  readonly kind: string | undefined;
  readonly sessionId: string | undefined;
  readonly fileName?: string;
  readonly transferId?: string;
  readonly recordingId?: string;
  /** Upload-Length; undefined when deferred (recordings grow until they stop). */
  readonly length: number | undefined;
}

/** The metadata Tandem keeps with a staged upload: what the client asked, checked, plus who owns it. */
export type UploadMetadata = Record<string, string>;

/** A stored file or recording as listed and served. */
export interface StoredObject {
  readonly id: string;
  readonly name: string;
  readonly contentType: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly storedAt: string;
}

export interface Opened {
  readonly object: StoredObject;
  /** The bytes, or only the range's. */
  readonly body: Readable;
}

/** RPT-2: a stored recording beside the timeline, with the verdict on its bytes. */
export interface RecordingVerdict {
  readonly recordingId: string;
  /** Where it sits on the timeline: RecordingStarted's stream version and time; a replay positions playback at (event time - startedAt). */
  readonly startedVersion: number;
  readonly startedAt: string;
  readonly stoppedAt: string | null;
  readonly durationMs: number | null;
  readonly sizeBytes: number | null;
  /** The digest the history holds. */
  readonly sha256: string | null;
  /**
   * `verified`: the stored bytes hash to the history's digest; `mismatch`: they do not (edited or
   * damaged; `actualSha256` says what they hash to); `missing`: no bytes where the history says
   * there are; `deleted`: removed by retention (RecordingDeleted); `no_bytes`: nothing was ever
   * uploaded; `recording`: still running.
   */
  readonly verdict: 'verified' | 'mismatch' | 'missing' | 'deleted' | 'no_bytes' | 'recording';
  readonly actualSha256: string | null;
}

const SNIFF_BYTES = 4100;
const OCTET_STREAM = 'application/octet-stream';

/**
 * Recordings and files whose bytes exist (issue 16). Uploads arrive resumably (tus) into the
 * staging area on this node's disk; rules are the session's own, checked before the first byte
 * (REC-1, TL-3, TL-4) and again when the upload completes; complete bytes move into the blob
 * store with their SHA-256 computed on the way, and the session's event carries the digest.
 */
export class StoredContentService implements RecordingSeal {
  constructor(
    private readonly sessions: Pick<SessionService, 'state' | 'check' | 'command'>,
    private readonly events: Pick<EventStore, 'readStream'>,
    private readonly blobs: BlobStore,
    private readonly staged: StagedUploads,
    /** The largest upload accepted, in bytes (UPLOAD_MAX_BYTES, default 2 GiB). */
    private readonly maxUploadBytes: number,
  ) {}

  /** Where a recording's chunks are staged: one upload per recording, found again at stop. */
  static recordingUploadId(sessionId: string, recordingId: string): string {
    return `rec${createHash('sha256').update(`${sessionId}\u0000${recordingId}`).digest('hex').slice(0, 32)}`;
  }

  // ============================================================ uploads

  /**
   * Checks a new upload before any byte is stored and returns the metadata to keep with it.
   * Throws: UPLOAD_TOO_LARGE (validation, field Upload-Length), INVALID_UPLOAD, the session's
   * NOT_CONTROLLER (REC-1, TL-3), FILE_TRANSFER_NOT_APPROVED / NOT_TRANSFER_PARTY (TL-4),
   * RECORDING_NOT_RUNNING, RECORDING_UPLOAD_EXISTS.
   */
  async authorizeCreate(principal: Principal, request: UploadRequest): Promise<UploadMetadata> {
    const { kind, sessionId, length } = request;
    if (!sessionId) throw validationError(INVALID_UPLOAD, 'sessionId', 'Upload-Metadata must name the session (sessionId)');
    if (length !== undefined && length > this.maxUploadBytes) {
      throw validationError(UPLOAD_TOO_LARGE, 'Upload-Length', `An upload may be at most ${this.maxUploadBytes} bytes`, { maxBytes: this.maxUploadBytes });
    }
    const owner = { owner: principal.userId, roles: principal.roles.join(','), sessionId };
    if (kind === 'file') {
      if (length === undefined) throw validationError(INVALID_UPLOAD, 'Upload-Length', 'A file upload declares its length');
      const fileName = sanitizeFileName(request.fileName ?? '');
      const probe = { fileId: 'probe', fileName, sizeBytes: length, sha256: '0'.repeat(64), contentType: OCTET_STREAM };
      if (request.transferId) {
        await this.sessions.check(principal, sessionId, 'SendFile', { ...probe, transferId: request.transferId });
        return { ...owner, kind, fileName, transferId: request.transferId };
      }
      await this.sessions.check(principal, sessionId, 'PublishFile', probe);
      return { ...owner, kind, fileName };
    }
    if (kind === 'recording') {
      const recordingId = request.recordingId;
      if (!recordingId) throw validationError(INVALID_UPLOAD, 'recordingId', 'Upload-Metadata must name the recording (recordingId)');
      this.assertRecorder(await this.sessions.state(sessionId), principal, recordingId);
      if (await this.staged.get(StoredContentService.recordingUploadId(sessionId, recordingId))) {
        throw illegalState(RECORDING_UPLOAD_EXISTS, 'This recording is being uploaded already: resume it (HEAD, then PATCH)');
      }
      return { ...owner, kind, recordingId };
    }
    throw validationError(INVALID_UPLOAD, 'kind', 'Upload-Metadata kind is file or recording');
  }

  /**
   * Checks a request on an existing upload (HEAD, PATCH, DELETE): only its owner, and a
   * recording's chunks only while that recording runs and the owner holds control (REC-1).
   * Another user's upload is reported as not found.
   */
  async authorizeContinue(principal: Principal, uploadId: string): Promise<StagedUpload> {
    const upload = await this.staged.get(uploadId);
    if (!upload || upload.metadata.owner !== principal.userId) throw notFound(UPLOAD_NOT_FOUND, 'There is no such upload');
    if (upload.metadata.kind === 'recording') {
      this.assertRecorder(await this.sessions.state(upload.metadata.sessionId ?? ''), principal, upload.metadata.recordingId ?? '');
    }
    return upload;
  }

  /**
   * A file upload is complete: sniff its type, move it into the blob store with its digest, and
   * record it (FilePublished for TL-3, FileSent for TL-4), deciding the rules once more. If the
   * session refuses now (control moved, transfer ended), nothing stays stored. Recordings
   * complete at stop instead (`seal`). Idempotent per upload id (the command id).
   */
  async completeUpload(uploadId: string): Promise<StoredObject | null> {
    const upload = await this.staged.get(uploadId);
    if (!upload || upload.metadata.kind !== 'file') return null;
    const meta = upload.metadata;
    const sessionId = meta.sessionId ?? '';
    const principal: Principal = { userId: meta.owner ?? '', roles: (meta.roles ?? '').split(',').filter(Boolean) as Principal['roles'], flags: {} };
    const contentType = (await fileTypeFromBuffer(await this.staged.head(uploadId, SNIFF_BYTES)))?.mime ?? OCTET_STREAM;
    const key = blobKey('file', sessionId, uploadId);
    try {
      const { sizeBytes, sha256 } = await this.store(key, this.staged.read(uploadId, upload.offset), upload.offset);
      const fileName = meta.fileName ?? 'file';
      const facts = { fileId: uploadId, fileName, sizeBytes, sha256, contentType };
      const options = { commandId: `upload:${uploadId}` };
      const handled = meta.transferId
        ? await this.sessions.command(principal, sessionId, 'SendFile', { ...facts, transferId: meta.transferId }, options)
        : await this.sessions.command(principal, sessionId, 'PublishFile', facts, options);
      await this.staged.remove(uploadId);
      const item = storedIn(handled.state, 'file', uploadId);
      return item ? toObject(item) : null;
    } catch (error) {
      await this.blobs.delete(key).catch(() => undefined);
      await this.staged.remove(uploadId).catch(() => undefined);
      throw error;
    }
  }

  private assertRecorder(state: SessionState, principal: Principal, recordingId: string): void {
    if (state.status === 'none') throw notFound('SESSION_NOT_FOUND', 'There is no such session');
    if (state.status !== 'active') throw illegalState('RECORDING_NOT_RUNNING', 'The session is not being recorded');
    if (state.controllerId !== principal.userId) throw forbidden('NOT_CONTROLLER', 'Only the CSR holding control records the session (REC-1)');
    if (state.activities.recording?.recordingId !== recordingId) throw illegalState('RECORDING_NOT_RUNNING', 'This recording is not running');
  }

  private async store(key: string, source: Readable, sizeBytes: number) {
    const digesting = new DigestingStream();
    source.on('error', (error) => digesting.destroy(error));
    await this.blobs.put(key, source.pipe(digesting), sizeBytes);
    return digesting.result();
  }

  // ============================================================ recordings (RecordingSeal)

  /** Stores the recording's bytes staged so far; RecordingStopped then carries their digest. */
  async seal(sessionId: string, recordingId: string) {
    const uploadId = StoredContentService.recordingUploadId(sessionId, recordingId);
    const upload = await this.staged.get(uploadId);
    if (!upload) return null;
    // Only the bytes on disk now: a chunk still arriving is cut off, like a console that crashed.
    const { sizeBytes, sha256 } = await this.store(blobKey('recording', sessionId, recordingId), this.staged.read(uploadId, upload.offset), upload.offset);
    return { recordingId, sizeBytes, sha256 };
  }

  async sealed(sessionId: string, recordingId: string): Promise<void> {
    await this.staged.remove(StoredContentService.recordingUploadId(sessionId, recordingId));
  }

  // ============================================================ downloads

  /** TL-3, TL-4: the stored files this principal may download from the session now. */
  async listFiles(principal: Principal, sessionId: string): Promise<StoredObject[]> {
    const state = await this.sessions.state(sessionId);
    if (state.status === 'none') throw notFound('SESSION_NOT_FOUND', `session ${sessionId} not found`);
    const supervisor = hasRole(principal, 'supervisor', 'admin');
    const visible = state.stored.files.filter((f) => !f.deleted && (supervisor || fileAudience(state, f.id).includes(principal.userId)));
    if (!supervisor && visible.length === 0 && !isParticipant(state, principal.userId)) throw notFound('SESSION_NOT_FOUND', `session ${sessionId} not found`);
    return visible.map(toObject);
  }

  /**
   * A file's bytes for a participant allowed them while the session is live (TL-3, TL-4), or
   * for a supervisor or admin at any time (RPT-2). Anyone else: FILE_NOT_FOUND, as for a file
   * that does not exist (no oracle).
   */
  async openFile(principal: Principal, sessionId: string, fileId: string, range?: ByteRange): Promise<Opened> {
    const state = await this.sessions.state(sessionId);
    const item = state.status === 'none' ? undefined : state.stored.files.find((f) => f.id === fileId && !f.deleted);
    const allowed = item && (hasRole(principal, 'supervisor', 'admin') || fileAudience(state, fileId).includes(principal.userId));
    if (!item || !allowed) throw notFound(FILE_NOT_FOUND, 'There is no such file');
    return this.open(blobKey('file', sessionId, fileId), item, range, FILE_NOT_FOUND);
  }

  /** RPT-2: supervisors and admins play a stored recording back (ranges for seeking). */
  async openRecording(principal: Principal, sessionId: string, recordingId: string, range?: ByteRange): Promise<Opened> {
    if (!hasRole(principal, 'supervisor', 'admin')) throw forbidden('SUPERVISORS_ONLY', 'Only supervisors and admins play recordings back');
    const state = await this.sessions.state(sessionId);
    const item = state.status === 'none' ? undefined : state.stored.recordings.find((r) => r.id === recordingId && !r.deleted);
    if (!item) throw notFound(RECORDING_NOT_FOUND, 'There is no such recording');
    return this.open(blobKey('recording', sessionId, recordingId), item, range, RECORDING_NOT_FOUND);
  }

  /** The size and type of a stored object, for answering a Range request before opening it. */
  async describe(principal: Principal, sessionId: string, kind: 'file' | 'recording', id: string): Promise<StoredObject> {
    const state = await this.sessions.state(sessionId);
    if (kind === 'recording' && !hasRole(principal, 'supervisor', 'admin')) throw forbidden('SUPERVISORS_ONLY', 'Only supervisors and admins play recordings back');
    const item = storedIn(state, kind, id);
    const allowed = item && !item.deleted && (kind === 'recording' || hasRole(principal, 'supervisor', 'admin') || fileAudience(state, id).includes(principal.userId));
    if (!item || !allowed) throw notFound(kind === 'file' ? FILE_NOT_FOUND : RECORDING_NOT_FOUND, `There is no such ${kind}`);
    return toObject(item);
  }

  private async open(key: string, item: StoredItem, range: ByteRange | undefined, code: string): Promise<Opened> {
    const body = await this.blobs.read(key, range);
    if (!body) throw notFound(code, 'The stored bytes are gone');
    return { object: toObject(item), body };
  }

  // ============================================================ replay (RPT-2)

  /**
   * Every recording of the session with a verdict on its bytes: each stored one is read back
   * and hashed, so an edited or damaged recording is named. Supervisors and admins only.
   */
  async verifyRecordings(principal: Principal, sessionId: string): Promise<RecordingVerdict[]> {
    if (!hasRole(principal, 'supervisor', 'admin')) throw forbidden('SUPERVISORS_ONLY', 'Only supervisors and admins replay recordings');
    const history = await this.events.readStream(sessionAggregate.streamId(sessionId));
    if (history.length === 0) throw notFound('SESSION_NOT_FOUND', `session ${sessionId} not found`);
    const byId = new Map<
      string,
      { started: string; startedVersion: number; stop?: { at: string; durationMs: number | null; sizeBytes: number | null; sha256: string | null }; deleted: boolean }
    >();
    for (const event of history) {
      const data = event.data as Record<string, unknown>;
      const id = data.recordingId as string;
      if (event.type === 'RecordingStarted') byId.set(id, { started: data.at as string, startedVersion: event.version, deleted: false });
      const entry = byId.get(id);
      if (!entry) continue;
      if (event.type === 'RecordingStopped')
        entry.stop = { at: data.at as string, durationMs: data.durationMs as number | null, sizeBytes: data.sizeBytes as number | null, sha256: data.sha256 as string | null };
      if (event.type === 'RecordingDeleted') entry.deleted = true;
    }
    const verdicts: RecordingVerdict[] = [];
    for (const [recordingId, entry] of byId) {
      const stop = entry.stop;
      const base = {
        recordingId,
        startedVersion: entry.startedVersion,
        startedAt: entry.started,
        stoppedAt: stop?.at ?? null,
        durationMs: stop?.durationMs ?? null,
        sizeBytes: stop?.sizeBytes ?? null,
        sha256: stop?.sha256 ?? null,
      };
      if (!stop) verdicts.push({ ...base, verdict: 'recording', actualSha256: null });
      else if (entry.deleted) verdicts.push({ ...base, verdict: 'deleted', actualSha256: null });
      else if (!stop.sha256) verdicts.push({ ...base, verdict: 'no_bytes', actualSha256: null });
      else {
        const body = await this.blobs.read(blobKey('recording', sessionId, recordingId));
        if (!body) verdicts.push({ ...base, verdict: 'missing', actualSha256: null });
        else {
          const actual = (await digestOf(body)).sha256;
          verdicts.push({ ...base, verdict: actual === stop.sha256 ? 'verified' : 'mismatch', actualSha256: actual });
        }
      }
    }
    return verdicts;
  }
}

function storedIn(state: SessionState, kind: 'file' | 'recording', id: string): StoredItem | undefined {
  if (state.status === 'none') return undefined;
  return (kind === 'file' ? state.stored.files : state.stored.recordings).find((i) => i.id === id);
}

function isParticipant(state: SessionState, userId: string): boolean {
  if (state.status !== 'active' && state.status !== 'queued') return false;
  return Object.hasOwn(state.csrs, userId) || state.customers.some((c) => c.customerId === userId);
}

const toObject = (item: StoredItem): StoredObject => ({
  id: item.id,
  name: item.name,
  contentType: item.contentType ?? RECORDING_TYPE,
  sizeBytes: item.sizeBytes,
  sha256: item.sha256,
  storedAt: item.storedAt,
});
