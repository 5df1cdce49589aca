import { Controller, Head, HttpException, HttpStatus, Inject, Param, Patch, Delete, Post, Req, Res, Get, Options } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Server as TusServer } from '@tus/server';
import { Metadata } from '@tus/utils';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { StoredContentService, UPLOAD_TOO_LARGE } from '../../application/files/stored-content.service.js';
import type { Principal } from '../../application/identity/principal.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { toProblem } from '../errors/problem.filter.js';

export const TUS_SERVER = Symbol('TusServer');
/** Where tus uploads are mounted. */
export const UPLOADS_PATH = '/api/v1/uploads';

/**
 * Resumable uploads (tus 1.0: creation, creation-defer-length, termination) for recordings and
 * files (issue 16). The same bearer token as every route; the session's rules are checked before
 * tus sees the request (REC-1, TL-3, TL-4; size limit), and the metadata tus keeps is the one
 * Tandem rewrote (owner, sanitised name), never the client's as sent. GET is not offered: bytes
 * are downloaded from the session's file list, never from the staging area.
 */
@ApiTags('files')
@ApiBearerAuth()
@Controller(UPLOADS_PATH.slice(1))
export class UploadsController {
  constructor(
    private readonly content: StoredContentService,
    @Inject(TUS_SERVER) private readonly tus: TusServer,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an upload (tus). Upload-Metadata: kind (file|recording), sessionId, filename, transferId, recordingId' })
  @ApiResponse({
    status: 201,
    description: 'Upload created; Location is its URL',
    headers: { Location: { description: 'The upload URL', schema: { type: 'string' } }, 'Tus-Resumable': { description: 'tus protocol version', schema: { type: 'string' } } },
  })
  @ApiResponse({ status: 413, description: 'Upload-Length past UPLOAD_MAX_BYTES (UPLOAD_TOO_LARGE)' })
  async create(@CurrentPrincipal() p: Principal, @Req() req: FastifyRequest, @Res() res: FastifyReply) {
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    let metadata: Record<string, string | null>;
    try {
      metadata = Metadata.parse(header('upload-metadata') ?? '');
    } catch {
      throw new HttpException({ code: 'INVALID_UPLOAD', field: 'Upload-Metadata', message: 'Upload-Metadata is not tus key/base64 pairs' }, HttpStatus.BAD_REQUEST);
    }
    const rawLength = header('upload-length');
    if (rawLength !== undefined && !/^\d{1,16}$/.test(rawLength)) {
      throw new HttpException({ code: 'INVALID_UPLOAD', field: 'Upload-Length', message: 'Upload-Length is a whole number of bytes' }, HttpStatus.BAD_REQUEST);
    }
    const text = (key: string) => metadata[key] ?? undefined;
    let kept: Record<string, string>;
    try {
      kept = await this.content.authorizeCreate(p, {
        kind: text('kind'),
        sessionId: text('sessionId'),
        fileName: text('filename') ?? text('fileName') ?? text('name'),
        transferId: text('transferId'),
        recordingId: text('recordingId'),
        length: rawLength === undefined ? undefined : Number(rawLength),
      });
    } catch (error) {
      // The size limit is the one refusal with a status of its own: 413 Content Too Large (RFC 9110).
      if (error instanceof DomainError && error.code === UPLOAD_TOO_LARGE) {
        res
          .status(413)
          .type('application/problem+json')
          .send(JSON.stringify({ ...toProblem(error), status: 413, instance: req.url }));
        return;
      }
      throw error;
    }
    replaceHeader(req, 'upload-metadata', Metadata.stringify(kept));
    await this.handOver(req, res);
  }

  // Declared before the GET of the same path: Fastify makes a HEAD route for every GET and
  // refuses a second one, so this HEAD must exist first.
  @Head(':id')
  @ApiOperation({ summary: 'The offset to resume from (tus)' })
  @ApiResponse({
    status: 200,
    description: 'Upload-Offset and Upload-Length of the upload',
    headers: { 'Upload-Offset': { description: 'Bytes received', schema: { type: 'integer' } } },
  })
  async head(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Req() req: FastifyRequest, @Res() res: FastifyReply) {
    await this.content.authorizeContinue(p, id);
    await this.handOver(req, res);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Send bytes from Upload-Offset (tus); a recording only while it runs and you hold control (REC-1)' })
  @ApiResponse({
    status: 204,
    description: 'Bytes stored; Upload-Offset is the new offset',
    headers: { 'Upload-Offset': { description: 'Bytes received', schema: { type: 'integer' } } },
  })
  async patch(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Req() req: FastifyRequest, @Res() res: FastifyReply) {
    await this.content.authorizeContinue(p, id);
    await this.handOver(req, res);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Abandon an upload (tus termination)' })
  @ApiResponse({ status: 204, description: 'Abandoned' })
  async terminate(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Req() req: FastifyRequest, @Res() res: FastifyReply) {
    await this.content.authorizeContinue(p, id);
    await this.handOver(req, res);
  }

  @Options()
  @ApiOperation({ summary: 'tus discovery: versions, extensions, the largest upload' })
  @ApiResponse({
    status: 204,
    description: 'Tus-Version, Tus-Extension and Tus-Max-Size headers',
    headers: { 'Tus-Version': { description: 'Supported versions', schema: { type: 'string' } } },
  })
  async options(@Req() req: FastifyRequest, @Res() res: FastifyReply) {
    await this.handOver(req, res);
  }

  /**
   * tus answers on Node's own request and response: the reply is taken over (after every check
   * above has passed). A failure inside tus is answered here, on the raw response, since the
   * exception filter cannot answer a reply that was taken over; once tus has begun its answer,
   * the connection is cut instead.
   */
  private async handOver(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    reply.hijack();
    try {
      await this.tus.handle(req.raw, reply.raw);
    } catch (error) {
      const res = reply.raw;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const problem = { ...toProblem(error), instance: req.url.split('?')[0] };
      res.statusCode = problem.status;
      res.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
      res.end(JSON.stringify(problem));
    }
  }

  // (Nest keeps one mapping per method: the topmost decorator. The @All() that stood under this
  // one never took effect, and on Fastify would have repeated the POST and OPTIONS routes.)
  @Get(':id')
  @ApiExcludeEndpoint() // a refusal (405), not an operation
  refuse(): never {
    throw new HttpException({ code: 'METHOD_NOT_ALLOWED', message: 'Download files from the session file list' }, HttpStatus.METHOD_NOT_ALLOWED);
  }
}

/**
 * What tus answers when completing an upload fails on a session rule: the same problem shape as
 * every other route (RFC 7807), with the status of the error's category.
 */
export function tusProblem(error: unknown): { status_code: number; body: string } {
  if (!(error instanceof DomainError)) throw error;
  const problem = toProblem(error);
  return { status_code: problem.status, body: JSON.stringify(problem) };
}

/** Replaces a request header in both views Node keeps (tus reads either, through srvx). */
function replaceHeader(req: FastifyRequest, name: string, value: string): void {
  req.raw.headers[name] = value;
  const raw = req.raw.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2) if (raw[i]!.toLowerCase() === name) raw.splice(i, 2);
  raw.push(name, value);
}
