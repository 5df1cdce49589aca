import { BadRequestException, Body, Controller, Get, HttpCode, Inject, Ip, NotFoundException, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Principal } from '../../application/identity/principal.js';
import { PresenceService } from '../../application/sessions/presence.service.js';
import { SessionService } from '../../application/sessions/session.service.js';
import { LOOKUP_LIMITER, type LookupLimiter } from '../../application/sessions/lookup-limiter.port.js';
import { spendNumberLookup } from './number-lookup.limit.js';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import {
  AfterArgs,
  JoinSessionArgs,
  ListSessionsArgs,
  REST_COMMANDS,
  SESSION_COMMANDS,
  SessionModel,
  SessionPage,
  StartSessionArgs,
  startInput,
  toSession,
} from './session.types.js';

/** REST face of the session use cases; the same arguments and mapping as the GraphQL resolver. */
@ApiTags('sessions')
@ApiBearerAuth()
@Controller('api/v1/sessions')
export class SessionsController {
  constructor(
    private readonly service: SessionService,
    private readonly presence: PresenceService,
    @Inject(LOOKUP_LIMITER) private readonly lookups: LookupLimiter,
  ) {}

  /** SES-5: a CSR console reports it is still open; send it every few seconds. */
  @Post(':id/heartbeat')
  @HttpCode(204)
  @ApiOperation({ summary: 'Console heartbeat (SES-5)' })
  @ApiNoContentResponse({ description: 'Presence noted' })
  async heartbeat(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.presence.heartbeat(p, id);
  }

  @Post()
  @ApiOperation({ summary: 'Start a session (SES-1); the caller holds control' })
  @ApiCreatedResponse({ type: SessionModel, description: 'The new session' })
  async start(@CurrentPrincipal() p: Principal, @Body() a: StartSessionArgs): Promise<SessionModel> {
    return toSession(await this.service.start(p, startInput(a), { commandId: a.commandId }));
  }

  @Get()
  @ApiOperation({ summary: 'Sessions the caller may see, newest first' })
  @ApiOkResponse({ type: SessionPage })
  async list(@CurrentPrincipal() p: Principal, @Query() { status, csrId, customerId, queueId, from, to, offset, limit, after }: ListSessionsArgs): Promise<SessionPage> {
    const page = await this.service.list(p, { status, csrId, customerId, queueId, from, to }, { offset, limit }, { after });
    return { items: page.items.map(toSession), total: page.total };
  }

  @Get('by-number/:number')
  @ApiOperation({ summary: 'The live session with this number, if you take part in it; 404 otherwise; 429 + Retry-After past 30 lookups a minute' })
  @ApiOkResponse({ type: SessionModel })
  @ApiTooManyRequestsResponse({ description: 'Too many number lookups (RATE_LIMITED); Retry-After says when to try again' })
  async byNumber(@CurrentPrincipal() p: Principal, @Ip() ip: string, @Param('number') number: string, @Query() { after }: AfterArgs): Promise<SessionModel> {
    await spendNumberLookup(this.lookups, p, ip);
    return toSession(await this.service.byNumber(p, number, { after }));
  }

  @Post('join')
  @HttpCode(200)
  @ApiOperation({ summary: 'Join by the session number, as customer or helper (INV-4, AST-1)' })
  @ApiOkResponse({ type: SessionModel, description: 'The session joined' })
  @ApiTooManyRequestsResponse({ description: 'Too many number lookups (RATE_LIMITED); Retry-After says when to try again' })
  async join(@CurrentPrincipal() p: Principal, @Ip() ip: string, @Body() { number, as, displayName, commandId }: JoinSessionArgs): Promise<SessionModel> {
    await spendNumberLookup(this.lookups, p, ip);
    return toSession(await this.service.joinByNumber(p, number, as, displayName, { commandId }));
  }

  @Get(':id')
  @ApiOperation({ summary: 'The session; with `?after=<consistencyToken>` once the read model shows that mutation' })
  @ApiOkResponse({ type: SessionModel })
  async get(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Query() { after }: AfterArgs): Promise<SessionModel> {
    return toSession(await this.service.get(p, id, { after }));
  }

  @Post(':id/commands/:command')
  @HttpCode(200)
  @ApiOperation({ summary: `Run a command on the session: ${[...REST_COMMANDS.keys()].join(', ')}` })
  @ApiBody({ schema: { type: 'object' }, required: false })
  @ApiOkResponse({ type: SessionModel, description: 'The session after the command' })
  async command(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Param('command') name: string, @Body() body: unknown): Promise<SessionModel> {
    const type = REST_COMMANDS.get(name);
    if (!type) throw new NotFoundException({ message: `no session command is called ${name}`, code: 'UNKNOWN_COMMAND' });
    const spec = SESSION_COMMANDS[type];
    const args = plainToInstance(spec.args, { ...(isObject(body) ? body : {}), id });
    const errors = await validate(args, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) {
      const messages = errors.flatMap((e) => Object.values(e.constraints ?? { [e.property]: `${e.property} is invalid` }));
      throw new BadRequestException({ message: messages, errors: errors.map((e) => ({ field: e.property, constraints: e.constraints })) });
    }
    const data = spec.data(args as never);
    return toSession(await this.service.execute(p, id, type, data as never, { commandId: args.commandId }));
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
