import { Body, Controller, Get, HttpCode, HttpException, Inject, Ip, Param, Post, Put } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, OmitType } from '@nestjs/swagger';
import type { Principal } from '../../application/identity/principal.js';
import { WebAcdService } from '../../application/webacd/webacd.service.js';
import type { AppConfig } from '../../infrastructure/config/app-config.js';
import { CurrentPrincipal, Public, Roles } from '../auth/auth.decorators.js';
import { Answers, ref } from '../openapi/rest-responses.js';
import { SessionModel, toSession } from '../sessions/session.types.js';
import { QueueCommands, REST_QUEUE_COMMANDS } from './queue-commands.js';
import { RateLimiter } from './rate-limit.js';
import {
  AvailabilityArgs,
  ConfigureQueueArgs,
  CreateQueueArgs,
  InboundRequestBody,
  InboundTicket,
  OfferModel,
  QueueModel,
  QueueStatisticsModel,
  toOffer,
  toQueue,
} from './webacd.types.js';

/** REST bodies: the queue comes from the path. */
class ConfigureQueueBody extends OmitType(ConfigureQueueArgs, ['queueId'] as const) {}
class AvailabilityBody extends OmitType(AvailabilityArgs, ['queueId'] as const) {}

/** SES-2 / Q-6: the public help form. No token; limited per client address. */
@ApiTags('webacd')
@Controller('api/v1/inbound')
export class InboundController {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly webacd: WebAcdService,
    private readonly commands: QueueCommands,
    @Inject(ConfigService) config: ConfigService,
  ) {
    this.limiter = new RateLimiter(config.get<AppConfig>('app')!.inboundRatePerMinute);
  }

  @Public()
  @Post()
  @ApiOperation({ summary: 'A customer asks for help from a web page and joins the queue' })
  @ApiCreatedResponse({ type: InboundTicket })
  @ApiTooManyRequestsResponse({ description: 'Too many help requests from this address (RATE_LIMITED)' })
  async requestHelp(@Ip() ip: string, @Body() body: InboundRequestBody): Promise<InboundTicket> {
    const retryAfter = this.limiter.take(ip);
    if (retryAfter > 0) throw new HttpException({ message: `too many help requests from this address; try again in ${retryAfter} s`, code: 'RATE_LIMITED' }, 429);
    return this.webacd.requestHelp(body);
  }

  @Roles('customer')
  @Post(':queueId/:itemId/leave')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The customer leaves the queue' })
  @ApiNoContentResponse({ description: 'Left' })
  async leave(@CurrentPrincipal() p: Principal, @Param('queueId') queueId: string, @Param('itemId') itemId: string): Promise<void> {
    await this.commands.runNamed(p, queueId, 'leave-queue', { itemId });
  }
}

/**
 * REST face of the queues; the same table of commands as the GraphQL resolver. A queue's
 * items, offers and agents are shown to its agents, supervisors and admins only (issue 10).
 */
@ApiTags('webacd')
@ApiBearerAuth()
@Controller('api/v1/queues')
export class QueuesController {
  constructor(
    private readonly webacd: WebAcdService,
    private readonly commands: QueueCommands,
  ) {}

  @Roles('csr', 'supervisor', 'admin')
  @Get()
  @ApiOperation({ summary: "Every queue; items, offers and agents only of the caller's own queues (supervisors and admins: all)" })
  @ApiOkResponse({ type: [QueueModel] })
  async list(@CurrentPrincipal() p: Principal) {
    return (await this.webacd.list(p)).map(toQueue);
  }

  @Roles('csr')
  @Get('offers/mine')
  @ApiOperation({ summary: 'Items offered to the calling agent' })
  @ApiOkResponse({ type: [OfferModel] })
  async myOffers(@CurrentPrincipal() p: Principal) {
    return (await this.webacd.offersFor(p.userId)).map(toOffer);
  }

  @Roles('csr', 'supervisor', 'admin')
  @Get(':queueId')
  @ApiOperation({ summary: 'One queue; its items, offers and agents only for its agents, supervisors and admins (others: name and statistics)' })
  @ApiOkResponse({ type: QueueModel })
  async get(@CurrentPrincipal() p: Principal, @Param('queueId') queueId: string) {
    return toQueue(await this.webacd.details(p, queueId));
  }

  @Roles('csr', 'supervisor', 'admin')
  @Get(':queueId/statistics')
  @ApiOperation({ summary: "The queue's live statistics (waiting, longest and estimated wait, agents, offers, service level, speed of answer, abandonment)" })
  @ApiOkResponse({ type: QueueStatisticsModel })
  async statistics(@Param('queueId') queueId: string) {
    return this.webacd.statistics(queueId);
  }

  @Roles('admin')
  @Post()
  @ApiOperation({ summary: 'Create a queue' })
  @ApiCreatedResponse({ type: QueueModel })
  async create(@CurrentPrincipal() p: Principal, @Body() body: CreateQueueArgs) {
    const { queueId, ...outcome } = await this.webacd.createQueue(p, body);
    return toQueue(await this.webacd.answer(p, queueId, outcome));
  }

  @Roles('admin')
  @Post(':queueId/configure')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rename a queue, change its agents, topics, offer timeout or service level threshold' })
  @ApiOkResponse({ type: QueueModel })
  configure(@CurrentPrincipal() p: Principal, @Param('queueId') queueId: string, @Body() body: ConfigureQueueBody) {
    return this.commands.runNamed(p, queueId, 'configure-queue', body);
  }

  @Roles('admin')
  @Post(':queueId/close')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close a queue' })
  @ApiOkResponse({ type: QueueModel })
  close(@CurrentPrincipal() p: Principal, @Param('queueId') queueId: string) {
    return this.commands.runNamed(p, queueId, 'close-queue', {});
  }

  @Roles('csr', 'admin')
  @Put(':queueId/availability')
  @ApiOperation({ summary: 'Q-1: a WebACD agent is available or away in this queue' })
  @ApiOkResponse({ type: QueueModel })
  availability(@CurrentPrincipal() p: Principal, @Param('queueId') queueId: string, @Body() body: AvailabilityBody) {
    return this.commands.runNamed(p, queueId, 'set-agent-availability', body);
  }

  @Roles('csr')
  @Post(':queueId/offers/:offerId/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Q-5: take the offered item; answers with the session' })
  @ApiOkResponse({ type: SessionModel })
  async accept(@CurrentPrincipal() p: Principal, @Param('queueId') queueId: string, @Param('offerId') offerId: string) {
    return toSession(await this.webacd.accept(p, queueId, offerId));
  }

  @Roles('csr')
  @Post(':queueId/offers/:offerId/decline')
  @HttpCode(204)
  @ApiOperation({ summary: 'Q-5: decline the offered item; it is offered to the next agent' })
  @ApiNoContentResponse({ description: 'Declined' })
  async decline(@CurrentPrincipal() p: Principal, @Param('queueId') queueId: string, @Param('offerId') offerId: string): Promise<void> {
    await this.commands.runNamed(p, queueId, 'decline-offer', { offerId });
  }

  @Post(':queueId/commands/:command')
  @HttpCode(200)
  @ApiOperation({ summary: `Run a command on the queue: ${[...REST_QUEUE_COMMANDS.keys()].join(', ')}` })
  @ApiBody({ schema: { type: 'object' }, required: false })
  @Answers(200, 'The queue after the command (or true for commands that answer nothing more)', { oneOf: [ref('Queue'), { type: 'boolean' }] })
  command(@CurrentPrincipal() p: Principal, @Param('queueId') queueId: string, @Param('command') name: string, @Body() body: unknown) {
    return this.commands.runNamed(p, queueId, name, body);
  }
}
