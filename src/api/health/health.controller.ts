import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Field, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { Public } from '../auth/auth.decorators.js';
import { READINESS_PROBE, type ReadinessProbe } from '../../application/operations/readiness.port.js';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../../infrastructure/config/app-config.js';
import { HEALTH_REPORT } from '../openapi/rest-responses.js';

/**
 * Liveness and readiness, for orchestrators and load balancers.
 * - `/health/live`: the process serves HTTP (200 always; a hung process does not answer).
 * - `/health/ready`: the database answers, every migration is applied, and no projection is
 *   further behind the log than `READY_MAX_PROJECTION_LAG_SECONDS`. 503 names what failed.
 * - `/health`: the same as `/health/ready` (kept for existing probes).
 */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_PROBE) private readonly probe: ReadinessProbe,
    private readonly config: ConfigService,
  ) {}

  @Public()
  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process serves requests' })
  @ApiOkResponse({ description: 'The process serves requests.', schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } } })
  live() {
    return { status: 'ok' };
  }

  @Public()
  @Get()
  @ApiOperation({ summary: 'The same as /health/ready' })
  @ApiOkResponse({ description: 'The same as /health/ready.', schema: HEALTH_REPORT })
  @ApiServiceUnavailableResponse({ description: 'Not ready; `error` names each failing check with its details (terminus shape).', schema: HEALTH_REPORT })
  check(@Res({ passthrough: true }) res: StatusSetter) {
    return this.ready(res);
  }

  @Public()
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: database up, migrations applied, projections within the lag threshold' })
  @ApiOkResponse({ description: 'Ready: database up, migrations applied, projections within the lag threshold.', schema: HEALTH_REPORT })
  @ApiServiceUnavailableResponse({ description: 'Not ready; `error` names each failing check with its details (terminus shape).', schema: HEALTH_REPORT })
  async ready(@Res({ passthrough: true }) res?: StatusSetter) {
    try {
      return await this.report();
    } catch (error) {
      // Not ready is an answer, not a fault: a 503 with the checks' details, no error log.
      if (!(error instanceof ServiceUnavailableException) || !res) throw error;
      res.status(503);
      return error.getResponse();
    }
  }

  /** The terminus report; throws ServiceUnavailableException (carrying the report) when a check is down. */
  report() {
    return this.health.check([() => this.db.pingCheck('database', { timeout: 1500 }), () => this.readModels()]);
  }

  /** Migrations and projection lag, as one indicator per concern. */
  private async readModels() {
    const maxLag = this.config.get<AppConfig>('app')!.readyMaxProjectionLagSeconds;
    const check = this.indicators.check('readModels');
    let report;
    try {
      report = await this.probe.report();
    } catch (error) {
      return check.down({ message: error instanceof Error ? error.message : String(error) });
    }
    const lagging = report.projections.filter((p) => p.seconds > maxLag);
    const details = { pendingMigrations: report.pendingMigrations, maxLagSeconds: maxLag, projections: report.projections };
    return report.pendingMigrations.length > 0 || lagging.length > 0 ? check.down(details) : check.up(details);
  }
}

/** The slice of the HTTP framework's reply the controller uses. */
interface StatusSetter {
  status(code: number): unknown;
}

@ObjectType('Health')
class HealthView {
  @Field() status: string;
  @Field() database: string;
}

@Resolver(() => HealthView)
export class HealthResolver {
  constructor(private readonly controller: HealthController) {}

  @Public()
  @Query(() => HealthView, { description: 'Whether the service is ready: its database answers, migrations are applied, projections are current.' })
  async health(): Promise<HealthView> {
    try {
      const result = await this.controller.report();
      return { status: result.status, database: result.info?.database?.status ?? 'down' };
    } catch {
      return { status: 'error', database: 'down' };
    }
  }
}
