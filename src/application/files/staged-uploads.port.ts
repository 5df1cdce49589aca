import type { Readable } from 'node:stream';

/** A tus upload as staged on this node's disk (issue 16: every upload lands there first). */
export interface StagedUpload {
  readonly id: string;
  /** Bytes received so far (the tus offset). */
  readonly offset: number;
  /** Declared length, or undefined while deferred (a recording still growing). */
  readonly length: number | undefined;
  /** The upload's metadata after Tandem rewrote it at creation (owner, kind, session, name). */
  readonly metadata: Readonly<Record<string, string | null | undefined>>;
}

/**
 * The staging area of resumable uploads: @tus/file-store under DATA_DIR/uploads. Complete
 * uploads move from here into the blob store; the application reads them through this port.
 */
export interface StagedUploads {
  get(id: string): Promise<StagedUpload | null>;
  /** Bytes [0, end) of the staged upload (end defaults to everything on disk now). */
  read(id: string, end?: number): Readable;
  /** The first bytes, for sniffing the content type. */
  head(id: string, bytes: number): Promise<Uint8Array>;
  /** Removes the upload and its metadata; removing a missing one is not an error. */
  remove(id: string): Promise<void>;
}

/** The tus data store uploads are staged in (the API mounts tus on it; the staging port reads it). */
export const UPLOAD_DATASTORE = Symbol('UploadDatastore');
