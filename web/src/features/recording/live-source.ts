/**
 * A growing source for tus-js-client (its `fileReader` option): the recorder appends each
 * MediaRecorder chunk, and every `slice` answers as soon as any byte past `start` is there, so
 * each PATCH carries what was recorded since the last one (about a second of media) instead of
 * waiting for a full `chunkSize`. A console that crashes therefore loses only the chunk in flight.
 * When `end()` was called and everything was handed out, `done` is true: tus-js-client then sends
 * `Upload-Length` (creation-defer-length), which completes the upload.
 */
export class LiveSource {
  /** Unknown while recording: the upload's length is deferred. */
  readonly size = null as unknown as number;
  private buffered: Blob = new Blob([]);
  /** The upload offset of `buffered`'s first byte. */
  private bufferStart = 0;
  private ended = false;
  private wake: (() => void) | undefined;

  /** Appends a recorded chunk (in recording order). */
  push(chunk: Blob): void {
    if (this.ended || chunk.size === 0) return;
    this.buffered = new Blob([this.buffered, chunk], { type: chunk.type });
    this.notify();
  }

  /** No more chunks will come: the next slice past the last byte reports `done`. */
  end(): void {
    this.ended = true;
    this.notify();
  }

  /** Bytes received but not yet acknowledged by a slice starting past them. */
  get pendingBytes(): number {
    return this.buffered.size;
  }

  async slice(start: number, end: number): Promise<{ value: Blob | null; done: boolean }> {
    if (start < this.bufferStart) throw new Error(`recording bytes before ${this.bufferStart} are gone (asked from ${start})`);
    // tus-js-client may re-read from the same start after a failed PATCH: drop only what lies before it.
    if (start > this.bufferStart) {
      this.buffered = this.buffered.slice(start - this.bufferStart);
      this.bufferStart = start;
    }
    while (this.buffered.size === 0 && !this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.buffered.size === 0) return { value: null, done: true };
    const value = this.buffered.slice(0, Math.max(1, end - start));
    return { value, done: this.ended && value.size === this.buffered.size };
  }

  close(): void {
    this.end();
  }

  private notify() {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
