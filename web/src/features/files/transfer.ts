import { Upload } from 'tus-js-client';
import { ApiError } from '../../lib/rest';

/** A stored file as the session's file list gives it (GET /api/v1/sessions/:id/files). */
export interface StoredFile {
  id: string;
  name: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  storedAt: string;
}

/** Progress of one transfer: bytes done of total (total may be unknown until the answer starts). */
export type Progress = (done: number, total: number) => void;

/**
 * Uploads a file resumably (tus, tus-js-client): published to everyone (TL-3) or, with
 * `transferId`, sent within an approved file transfer (TL-4). The server decides who may; its
 * refusal arrives as an ApiError with the stable code. Resolves when the file is stored.
 */
export function uploadFile(sessionId: string, file: File, token: () => string, onProgress: Progress, transferId?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const upload = new Upload(file, {
      endpoint: '/api/v1/uploads',
      metadata: { kind: 'file', sessionId, filename: file.name, ...(transferId ? { transferId } : {}) },
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000],
      // Resume an interrupted upload of the same file in this browser (tus fingerprint in localStorage).
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onBeforeRequest: (req) => req.setHeader('Authorization', `Bearer ${token()}`),
      onShouldRetry: (err) => {
        const status = err.originalResponse?.getStatus() ?? 0;
        return status === 0 || status >= 500 || status === 409 || status === 423;
      },
      onProgress: (sent, total) => onProgress(sent, total),
      onSuccess: () => resolve(),
      onError: (err) => {
        const res = (err as { originalResponse?: { getStatus(): number; getBody(): string } | null }).originalResponse;
        if (!res) return reject(err);
        let problem: { code?: string; detail?: string } = {};
        try {
          problem = JSON.parse(res.getBody()) as typeof problem;
        } catch {
          // not a problem document
        }
        reject(new ApiError(res.getStatus(), problem.code ?? `HTTP_${res.getStatus()}`, problem.detail ?? err.message));
      },
    });
    void upload.findPreviousUploads().then((previous) => {
      if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    });
  });
}

/**
 * Downloads a stored file with the bearer token (a plain link cannot carry it), reporting
 * progress, and offers it for saving under its stored (sanitised) name.
 */
export async function downloadFile(sessionId: string, file: StoredFile, token: string, onProgress: Progress): Promise<void> {
  const res = await fetch(`/api/v1/sessions/${encodeURIComponent(sessionId)}/files/${encodeURIComponent(file.id)}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok || !res.body) {
    const problem = (await res.json().catch(() => ({}))) as { code?: string; detail?: string };
    throw new ApiError(res.status, problem.code ?? `HTTP_${res.status}`, problem.detail ?? res.statusText);
  }
  const total = Number(res.headers.get('content-length') ?? file.sizeBytes);
  const reader = res.body.getReader();
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let done = 0;
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    parts.push(next.value);
    done += next.value.length;
    onProgress(done, total);
  }
  const url = URL.createObjectURL(new Blob(parts, { type: file.contentType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
