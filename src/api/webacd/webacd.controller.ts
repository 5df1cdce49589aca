import { Body, Controller, Get, HttpCode, HttpException, Inject, Ip, Param, Post, Put } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Principal } from '../../application/identity/principal.js';
import { WebAcdService } from '../../application/webacd/webacd.service.js';
import { notFound } from '../../domain/shared/domain-error.js';
import type { AppConfig } from '../../infrastructure/config/app-config.js';
import { CurrentPrincipal, Public, Roles } from '../auth/auth.decorators.js';
import { SessionModel, toSession } from '../sessions/session.types.js';
import { RateLimiter } from './rate-limit.js';
import { AvailabilityBody, ConfigureQueueArgs, CreateQueueArgs, InboundRequestBody, InboundTicket, OfferModel, QueueModel, toOffer, toQueue } from './webacd.types.js';

/** SES-2 / Q-6: the public help form. No token; limited per client address. */
@ApiTags('webacd')
@Controller('api/v1/inbound')
export class InboundController {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly webacd: WebAcdService,
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
    await this.webacd.leaveQueue(p, queueId, itemId);
  }
}

@ApiTags('webacd')
@ApiBearerAuth()
@Controller('api/v1/queues')
export class QueuesController {
  constructor(private readonly webacd: WebAcdService) {}

  @Roles('csr', 'supervisor', 'admin')
  @Get()
  @ApiOperation({ summary: 'Every queue with its agents, waiting items and open offers' })
  @ApiOkResponse({ type: [QueueModel] })
  async list() {
    return (await this.webacd.list()).map((q) => toQueue(q));
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
  @ApiOperation({ summary: 'One queue' })
  @ApiOkResponse({ type: QueueModel })
  async get(@Param('queueId') queueId: string) {
    const queue = await this.webacd.queue(queueId);
    if (!queue) throw notFound('QUEUE_NOT_FOUND', `no queue ${queueId}`);
    return toQueue(queue);
  }

  @Roles('admin')
  @Post()
  @ApiOperation({ summary: 'Create a queue' })
  @ApiCreatedResponse({ type: QueueModel })
  async create(@CurrentPrincipal() p: Principal, @Body() body: CreateQueueArgs) {
    const { view } = await this.webacd.createQueue(p, body);
    return toQueue(view);
  }

  @Roles('admin')
  @Post(':queueId/configure')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rename a queue, change its agents or offer timeout' })
  @ApiOkResponse({ type: QueueModel })
  async configure(@CurrentPrincipal() p: Principal, @Param('queueId') queueId: string, @Body() body: ConfigureQueueArgs) {
    const { view } = await this.webacd.configureQueue(p, queueId, body);
    return toQueue(view);
  }

  @Roles('admin')
  @Post(':queueId/close')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close a queue' })
  @ApiOkResponse({ type: QueueModel })
  async close(@CurrentPrincipal() p: Principal, @Param('queueId') queueId: string) {
    const { view } = await this.webacd.closeQueue(p, queueId);
    return toQueue(view);
  }

  @Roles('csr', 'admin')
  @Put(':queueId/availability')
  @ApiOperation({ summary: 'Q-1: a WebACD agent is available or away in this queue' })
  @ApiOkResponse({ type: QueueModel })
  async availability(@CurrentPrincipal() p: Principal, @Param('queueId') queueId: string, @Body() body: AvailabilityBody) {
    const { view } = await this.webacd.setAvailability(p, queueId, body.available);
    return toQueue(view);
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
    await this.webacd.decline(p, queueId, offerId);
  }
}
