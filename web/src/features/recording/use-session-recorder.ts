import { useEffect, useRef, useState } from 'react';
import { type RecorderState, SessionRecorder } from './session-recorder';

/**
 * Runs the session's recorder in the controlling CSR's console while the session says a
 * recording runs (REC-1 when the CSR starts it, REC-2 when it starts with the session), and
 * stops it when the recording ends elsewhere (a stop, control passed on (CTL-4), the session's end).
 * `stop()` flushes the last chunk before the caller sends the stop command, so nothing recorded is lost.
 */
export function useSessionRecorder(
  sessionId: string,
  token: () => string,
  recordingId: string | undefined,
  controlling: boolean,
  screen: () => MediaStream | undefined,
  placeholder: string,
) {
  const [state, setState] = useState<RecorderState>({ phase: 'idle', chunks: 0, recordedBytes: 0, uploadedBytes: 0 });
  const recorder = useRef<SessionRecorder | undefined>(undefined);
  /** Recordings this console already recorded: one upload per recording, never a second. */
  const handled = useRef(new Set<string>());
  const screenRef = useRef(screen);
  screenRef.current = screen;

  useEffect(() => {
    const r = new SessionRecorder(sessionId, token, setState);
    recorder.current = r;
    return () => r.abort();
  }, [sessionId]);

  useEffect(() => {
    const r = recorder.current;
    if (!r) return;
    // The recording this console records ended, or control moved on: stop at once (the server seals).
    if (!controlling || r.recordingId !== recordingId) r.abort();
    if (controlling && recordingId && !handled.current.has(recordingId)) {
      handled.current.add(recordingId);
      r.start(recordingId, () => screenRef.current(), placeholder);
    }
  }, [controlling, recordingId]);

  return {
    state,
    /** Flushes and finishes the upload; never throws (the server seals whatever arrived). */
    stop: async () => {
      await recorder.current?.stop().catch(() => undefined);
    },
  };
}
