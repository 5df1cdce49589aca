import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ApiTags } from '@nestjs/swagger';
import { Field, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { Public } from '../auth/auth.decorators.js';

/** Liveness and readiness: 200 when the database answers, 503 when it does not. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
  ) {}

  @Public()
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.db.pingCheck('database', { timeout: 1500 })]);
  }
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
  @Query(() => HealthView, { description: 'Whether the service and its database answer.' })
  async health(): Promise<HealthView> {
    try {
      const result = await this.controller.check();
      return { status: result.status, database: result.info?.database?.status ?? 'down' };
    } catch {
      return { status: 'error', database: 'down' };
    }
  }
}
