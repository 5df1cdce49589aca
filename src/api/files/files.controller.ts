import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { pipeline } from 'node:stream/promises';
import { attachmentDisposition } from '../../application/files/file-names.js';
import { type Opened, StoredContentService, type StoredObject } from '../../application/files/stored-content.service.js';
import type { Principal } from '../../application/identity/principal.js';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators.js';
import type { ByteRange } from '../../application/files/blob-store.port.js';
import { parseRange } from './byte-range.js';
import { BYTES, RECORDING_VERDICTS, STORED_FILES } from '../openapi/rest-responses.js';

/**
 * Stored files and recordings (issue 16): the session's file list and downloads (TL-3, TL-4),
 * recordings for supervisors' playback and their verdicts beside the replay (RPT-2). Bytes are
 * served with Range support, the sniffed type, `nosniff`, and files as attachments.
 */
@ApiTags('files')
@ApiBearerAuth()
@Controller('api/v1/sessions/:sessionId')
export class FilesController {
  constructor(private readonly content: StoredContentService) {}

  @Get('files')
  @ApiOperation({ summary: 'The files you may download from this session now (TL-3, TL-4)' })
  @ApiOkResponse({ schema: STORED_FILES })
  files(@CurrentPrincipal() p: Principal, @Param('sessionId') sessionId: string) {
    return this.content.listFiles(p, sessionId);
  }

  @Get('files/:fileId')
  @ApiOperation({ summary: 'Download a file (participants while live, supervisors always); Range supported' })
  @ApiResponse({ status: 200, description: 'The bytes, as an attachment of the sniffed type', content: { 'application/octet-stream': { schema: BYTES } } })
  @ApiResponse({ status: 206, description: 'The requested range', content: { 'application/octet-stream': { schema: BYTES } } })
  @ApiResponse({ status: 416, description: 'Range not satisfiable (no body; Content-Range gives the size)' })
  async file(@CurrentPrincipal() p: Principal, @Param('sessionId') sessionId: string, @Param('fileId') fileId: string, @Req() req: FastifyRequest, @Res() res: FastifyReply) {
    const object = await this.content.describe(p, sessionId, 'file', fileId);
    await this.send(req, res, object, 'attachment', (range) => this.content.openFile(p, sessionId, fileId, range));
  }

  @Roles('supervisor', 'admin')
  @Get('recordings')
  @ApiOperation({ summary: 'RPT-2: the recordings beside the timeline, each with a verdict that its bytes match the digest in the history' })
  @ApiOkResponse({ schema: RECORDING_VERDICTS })
  recordings(@CurrentPrincipal() p: Principal, @Param('sessionId') sessionId: string) {
    return this.content.verifyRecordings(p, sessionId);
  }

  @Roles('supervisor', 'admin')
  @Get('recordings/:recordingId')
  @ApiOperation({ summary: 'Play a recording back (WebM); Range supported for seeking' })
  @ApiResponse({ status: 200, description: 'The recording', content: { 'video/webm': { schema: BYTES } } })
  @ApiResponse({ status: 206, description: 'The requested range', content: { 'video/webm': { schema: BYTES } } })
  @ApiResponse({ status: 416, description: 'Range not satisfiable (no body; Content-Range gives the size)' })
  async recording(
    @CurrentPrincipal() p: Principal,
    @Param('sessionId') sessionId: string,
    @Param('recordingId') recordingId: string,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ) {
    const object = await this.content.describe(p, sessionId, 'recording', recordingId);
    await this.send(req, res, object, 'inline', (range) => this.content.openRecording(p, sessionId, recordingId, range));
  }

  /** Streams the bytes on Node's own response (the reply is taken over): HEAD sends the headers only, and opens nothing. */
  private async send(req: FastifyRequest, reply: FastifyReply, object: StoredObject, disposition: 'attachment' | 'inline', open: (range?: ByteRange) => Promise<Opened>) {
    const range = parseRange(req.headers.range, object.sizeBytes);
    // Opened before the reply is taken over, so that a failure is still answered as a problem.
    const body = req.method === 'HEAD' || range === 'unsatisfiable' ? undefined : (await open(range)).body;
    reply.hijack();
    const res = reply.raw;
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('ETag', `"${object.sha256}"`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Content-Disposition', disposition === 'attachment' ? attachmentDisposition(object.name) : 'inline');
    res.setHeader('Content-Type', object.contentType);
    if (range === 'unsatisfiable') {
      res.statusCode = 416;
      res.setHeader('Content-Range', `bytes */${object.sizeBytes}`);
      res.end();
      return;
    }
    if (range) {
      res.statusCode = 206;
      res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${object.sizeBytes}`);
      res.setHeader('Content-Length', String(range.end - range.start + 1));
    } else {
      res.statusCode = 200;
      res.setHeader('Content-Length', String(object.sizeBytes));
    }
    if (!body) {
      res.end();
      return;
    }
    await pipeline(body, res).catch(() => res.destroy());
  }
}
