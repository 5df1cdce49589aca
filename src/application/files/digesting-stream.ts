import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * A pass-through that counts bytes and computes their SHA-256 on the way into the blob store,
 * so the digest recorded in the event is of exactly the bytes stored (no second read).
 */
export class DigestingStream extends Transform {
  private readonly hash = createHash('sha256');
  private count = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.count += chunk.length;
    done(null, chunk);
  }

  /** Size in bytes and lower-case hex SHA-256; call once the stream has ended. */
  result(): { sizeBytes: number; sha256: string } {
    return { sizeBytes: this.count, sha256: this.hash.digest('hex') };
  }
}

/** SHA-256 (hex) and size of a stream's bytes. */
export async function digestOf(stream: NodeJS.ReadableStream): Promise<{ sizeBytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    sizeBytes += chunk.length;
  }
  return { sizeBytes, sha256: hash.digest('hex') };
}
