import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FileStore } from '@tus/file-store';
import type { StagedUpload, StagedUploads } from '../../application/files/staged-uploads.port.js';

/** The staging port over @tus/file-store: each upload is `<dir>/<id>` plus `<dir>/<id>.json`. */
export class TusStagedUploads implements StagedUploads {
  constructor(private readonly store: FileStore) {}

  async get(id: string): Promise<StagedUpload | null> {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) return null;
    try {
      const upload = await this.store.getUpload(id);
      return { id, offset: upload.offset, length: upload.size, metadata: upload.metadata ?? {} };
    } catch {
      return null;
    }
  }

  read(id: string, end?: number): Readable {
    if (end === 0) return Readable.from([]);
    return createReadStream(this.path(id), end === undefined ? {} : { start: 0, end: end - 1 });
  }

  async head(id: string, bytes: number): Promise<Uint8Array> {
    const file = await open(this.path(id), 'r');
    try {
      const buffer = Buffer.alloc(bytes);
      const { bytesRead } = await file.read(buffer, 0, bytes, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await this.store.remove(id);
    } catch {
      // already gone
    }
  }

  private path(id: string): string {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) throw new Error(`not an upload id: ${id}`);
    return join(this.store.directory, id);
  }
}
