import type { Readable } from 'node:stream';

/** One stored object as a listing shows it. */
export interface BlobInfo {
  readonly key: string;
  readonly sizeBytes: number;
  /** When the object was last written. */
  readonly storedAt: Date;
}

/** An inclusive byte range, as HTTP Range counts (RFC 9110 §14.1.2). */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Where the bytes of recordings and files live once complete: the local file system under
 * DATA_DIR (the embedded default) or S3-compatible object storage (MinIO, Ceph, S3). Keys are
 * `recordings/<sessionId>/<id>` and `files/<sessionId>/<id>`, made by `blobKey`; an adapter
 * must accept `/` inside keys. Digests are computed by the caller while the bytes flow in.
 */
export interface BlobStore {
  /** A name for logs and metrics: `fs` or `s3`. */
  readonly kind: string;
  /**
   * Stores exactly `sizeBytes` bytes from `body` under `key`, replacing what was there. A
   * reader never sees a half-written object. Rejects when the stream ends early or fails.
   */
  put(key: string, body: Readable, sizeBytes: number): Promise<void>;
  /** The object's bytes, or only `range`'s; null when there is no such object. */
  read(key: string, range?: ByteRange): Promise<Readable | null>;
  /** Null when there is no such object. */
  stat(key: string): Promise<BlobInfo | null>;
  /** Deletes the object; deleting a missing one is not an error (retention runs may repeat). */
  delete(key: string): Promise<void>;
  /** Every object whose key starts with `prefix`. */
  list(prefix: string): AsyncIterable<BlobInfo>;
}

export const BLOB_STORE = Symbol('BlobStore');

export type BlobKind = 'recording' | 'file';

/** The key of a session's recording or file; ids are URI-encoded so no id escapes its folder. */
export const blobKey = (kind: BlobKind, sessionId: string, id: string): string =>
  `${kind === 'recording' ? 'recordings' : 'files'}/${encodeURIComponent(sessionId)}/${encodeURIComponent(id)}`;

/** The (kind, session, id) a key was made from, or null for a key `blobKey` did not make. */
export function parseBlobKey(key: string): { kind: BlobKind; sessionId: string; id: string } | null {
  const match = /^(recordings|files)\/([^/]+)\/([^/]+)$/.exec(key);
  if (!match) return null;
  try {
    return { kind: match[1] === 'recordings' ? 'recording' : 'file', sessionId: decodeURIComponent(match[2]!), id: decodeURIComponent(match[3]!) };
  } catch {
    return null;
  }
}
