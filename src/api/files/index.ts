import { randomBytes } from 'node:crypto';
import type { Provider, Type } from '@nestjs/common';
import { Server as TusServer } from '@tus/server';
import type { DataStore } from '@tus/utils';
import { UPLOAD_DATASTORE } from '../../application/files/staged-uploads.port.js';
import { StoredContentService } from '../../application/files/stored-content.service.js';
import { FilesController } from './files.controller.js';
import { TUS_SERVER, tusProblem, UPLOADS_PATH, UploadsController } from './uploads.controller.js';

/** Uploads (tus), downloads and recording playback (issue 16); registered by AppModule. */
export const filesApi = (maxUploadBytes: number): { controllers: Type[]; providers: Provider[] } => ({
  controllers: [UploadsController, FilesController],
  providers: [
    {
      provide: TUS_SERVER,
      inject: [UPLOAD_DATASTORE, StoredContentService],
      useFactory: (staging: DataStore, content: StoredContentService) =>
        new TusServer({
          path: UPLOADS_PATH,
          datastore: staging,
          maxSize: maxUploadBytes,
          relativeLocation: true,
          // A recording's chunks go to one upload per recording, found again when it stops.
          namingFunction: (_req, metadata) =>
            metadata?.kind === 'recording' && metadata.sessionId && metadata.recordingId
              ? StoredContentService.recordingUploadId(metadata.sessionId, metadata.recordingId)
              : randomBytes(16).toString('hex'),
          onUploadFinish: async (_req, upload) => {
            try {
              await content.completeUpload(upload.id);
            } catch (error) {
              throw tusProblem(error);
            }
            return {};
          },
        }),
    },
  ],
});
