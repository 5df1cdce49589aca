import { type DetailedError, Upload } from 'tus-js-client';
import { LiveSource } from './live-source';

/** What the recorder is doing; the console shows it and tests read it from data attributes. */
export interface RecorderState {
  phase: 'idle' | 'recording' | 'stopping' | 'failed';
  recordingId?: string;
  /** MediaRecorder chunks handed to the upload. */
  chunks: number;
  /** Bytes MediaRecorder produced so far. */
  recordedBytes: number;
  /** Bytes the server acknowledged (tus Upload-Offset). */
  uploadedBytes: number;
  error?: string;
}

/** The composite's size: the customer's screen is letterboxed into it. */
const WIDTH = 1280;
const HEIGHT = 720;
const FPS = 10;
/** One chunk (and so one PATCH) a second: a crashed console loses about that much (REC-1). */
const TIMESLICE_MS = 1000;

/**
 * Records what the session shows, in the controlling CSR's console (REC-1, REC-2): the
 * customer's shared screen, drawn onto a canvas (a placeholder while nothing is shared, so the
 * recording runs on through shares that stop and start), encoded by MediaRecorder as WebM, and
 * uploaded chunk by chunk to one deferred-length tus upload per recording (tus-js-client).
 * The server seals what arrived when the recording stops, whoever stops it.
 */
export class SessionRecorder {
  private state: RecorderState = { phase: 'idle', chunks: 0, recordedBytes: 0, uploadedBytes: 0 };
  private recorder: MediaRecorder | undefined;
  private upload: Upload | undefined;
  private source: LiveSource | undefined;
  private timer: number | undefined;
  private video: HTMLVideoElement | undefined;
  private finished: Promise<void> | undefined;

  constructor(
    private readonly sessionId: string,
    private readonly token: () => string,
    private readonly onState: (s: RecorderState) => void,
  ) {}

  get recordingId(): string | undefined {
    return this.state.recordingId;
  }

  /**
   * Starts recording `recordingId`. `screen()` is read on every frame, so a share that starts,
   * ends or reconnects is followed; `placeholder` is drawn while there is none.
   */
  start(recordingId: string, screen: () => MediaStream | undefined, placeholder: string): void {
    if (this.state.phase === 'recording' || this.state.phase === 'stopping') return;
    this.set({ phase: 'recording', recordingId, chunks: 0, recordedBytes: 0, uploadedBytes: 0, error: undefined });
    const canvas = document.createElement('canvas');
    canvas.width = WIDTH;
    canvas.height = HEIGHT;
    const g = canvas.getContext('2d')!;
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    this.video = video;
    const draw = () => {
      const stream = screen();
      if (video.srcObject !== (stream ?? null)) {
        video.srcObject = stream ?? null;
        if (stream) void video.play().catch(() => undefined);
      }
      g.fillStyle = '#111';
      g.fillRect(0, 0, WIDTH, HEIGHT);
      if (stream && video.readyState >= 2 && video.videoWidth > 0) {
        const scale = Math.min(WIDTH / video.videoWidth, HEIGHT / video.videoHeight);
        const w = video.videoWidth * scale;
        const h = video.videoHeight * scale;
        g.drawImage(video, (WIDTH - w) / 2, (HEIGHT - h) / 2, w, h);
      } else {
        g.fillStyle = '#eee';
        g.font = '32px sans-serif';
        g.textAlign = 'center';
        g.fillText(placeholder, WIDTH / 2, HEIGHT / 2);
        g.font = '20px sans-serif';
        g.fillText(new Date().toISOString(), WIDTH / 2, HEIGHT / 2 + 40);
      }
    };
    draw();
    this.timer = window.setInterval(draw, 1000 / FPS);

    const source = new LiveSource();
    this.source = source;
    const mimeType = ['video/webm;codecs=vp8', 'video/webm'].find((m) => MediaRecorder.isTypeSupported(m));
    const recorder = new MediaRecorder(canvas.captureStream(FPS), mimeType ? { mimeType } : undefined);
    this.recorder = recorder;
    recorder.ondataavailable = (e) => {
      if (e.data.size === 0) return;
      source.push(e.data);
      this.set({ chunks: this.state.chunks + 1, recordedBytes: this.state.recordedBytes + e.data.size });
    };
    recorder.onstop = () => source.end();

    this.finished = new Promise<void>((resolve, reject) => {
      const upload = new Upload(source as unknown as Blob, {
        endpoint: '/api/v1/uploads',
        uploadLengthDeferred: true,
        chunkSize: 8 * 1024 * 1024,
        fileReader: { openFile: async () => source },
        storeFingerprintForResuming: false,
        metadata: { kind: 'recording', sessionId: this.sessionId, recordingId },
        retryDelays: [0, 500, 1000, 2000, 3000, 5000, 5000, 5000],
        // A recording stopped elsewhere (control moved, session ended) answers 404/409: stop trying.
        onShouldRetry: (err: DetailedError) => {
          const status = err.originalResponse?.getStatus() ?? 0;
          return status === 0 || status >= 500 || status === 423;
        },
        onBeforeRequest: (req) => req.setHeader('Authorization', `Bearer ${this.token()}`),
        onChunkComplete: (_size, accepted) => this.set({ uploadedBytes: accepted }),
        onSuccess: () => resolve(),
        onError: (err) => reject(err),
      });
      this.upload = upload;
      upload.start();
    });
    this.finished.catch((err: Error) => {
      if (this.state.phase === 'recording') this.set({ phase: 'failed', error: err.message });
      this.release();
    });
    recorder.start(TIMESLICE_MS);
  }

  /** Stops recording and waits until every recorded byte is uploaded (then the stop command may go). */
  async stop(): Promise<void> {
    if (this.state.phase !== 'recording' || !this.recorder) return;
    this.set({ phase: 'stopping' });
    if (this.recorder.state !== 'inactive') this.recorder.stop();
    try {
      await this.finished;
    } finally {
      this.release();
      this.set({ phase: 'idle' });
    }
  }

  /** The recording ended elsewhere (or the console leaves): stop at once, no flush. */
  abort(): void {
    if (this.state.phase === 'idle') return;
    void this.upload?.abort(false);
    this.release();
    this.set({ phase: 'idle' });
  }

  private release() {
    if (this.timer !== undefined) window.clearInterval(this.timer);
    this.timer = undefined;
    if (this.recorder && this.recorder.state !== 'inactive') this.recorder.stop();
    this.recorder?.stream.getTracks().forEach((track) => track.stop());
    this.recorder = undefined;
    this.source?.end();
    if (this.video) this.video.srcObject = null;
  }

  private set(patch: Partial<RecorderState>) {
    this.state = { ...this.state, ...patch };
    this.onState(this.state);
  }
}
