import { Body, Controller, Get, Header, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { Args, ArgsType, Field, Float, ID, Int, Mutation, ObjectType, Query as GqlQuery, Resolver } from '@nestjs/graphql';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { Principal } from '../../application/identity/principal.js';
import { activityCsv, type CsrActivity, parseInstant } from '../../application/reports/activity-report.js';
import { ReportService } from '../../application/reports/report.service.js';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators.js';
import { SafeInt } from '../graphql/safe-int.scalar.js';
import { EXPORT_ACCEPTED, EXPORT_STATUS, ref } from '../openapi/rest-responses.js';

@ObjectType()
class NoteView {
  @Field() sessionId: string;
  @Field() noteId: string;
  @Field() text: string;
  @Field() at: string;
}

@ObjectType('CsrActivity', { description: 'RPT-1: one CSR over a period' })
class CsrActivityModel {
  @Field() csrId: string;
  @Field(() => Int) sessions: number;
  @Field(() => Int) inboundSessions: number;
  @Field(() => Int) outboundSessions: number;
  @Field(() => Int) singleSessionMode: number;
  @Field(() => Int) multiSessionMode: number;
  @Field(() => Int) customersHelped: number;
  @Field(() => SafeInt) handleTimeTotalMs: number;
  @Field(() => SafeInt, { nullable: true }) handleTimeAverageMs: number | null;
  @Field(() => Int) pickedUpFromQueue: number;
  @Field(() => SafeInt, { nullable: true }) averageQueueWaitMs: number | null;
  @Field(() => Int) transfersGiven: number;
  @Field(() => Int) transfersReceived: number;
  @Field(() => Int) handOvers: number;
  @Field(() => Int) recordings: number;
  @Field(() => [NoteView]) notes: NoteView[];
  @Field(() => Int, { description: 'WebACD offers made to this CSR in the period' }) offersReceived: number;
  @Field(() => Int) offersAccepted: number;
  @Field(() => Int) offersDeclined: number;
  @Field(() => Int, { description: 'Offers the CSR let expire' }) offersTimedOut: number;
}

const toModel = (r: CsrActivity): CsrActivityModel => ({
  csrId: r.csrId,
  sessions: r.sessions,
  inboundSessions: r.byKind.inbound,
  outboundSessions: r.byKind.outbound,
  singleSessionMode: r.byMode.single,
  multiSessionMode: r.byMode.multi,
  customersHelped: r.customersHelped,
  handleTimeTotalMs: r.handleTimeMs.total,
  handleTimeAverageMs: r.handleTimeMs.average,
  pickedUpFromQueue: r.pickedUpFromQueue,
  averageQueueWaitMs: r.averageQueueWaitMs,
  transfersGiven: r.transfersGiven,
  transfersReceived: r.transfersReceived,
  handOvers: r.handOvers,
  recordings: r.recordings,
  notes: [...r.notes],
  offersReceived: r.offers.received,
  offersAccepted: r.offers.accepted,
  offersDeclined: r.offers.declined,
  offersTimedOut: r.offers.timedOut,
});

@ObjectType('ReportExport')
class ExportModel {
  @Field(() => ID) id: string;
  @Field() status: string;
  @Field(() => Float, { description: '0 to 1' }) progress: number;
  @Field() format: string;
  @Field(() => String, { nullable: true }) error: string | null;
}

@ArgsType()
class ActivityQuery {
  @ApiProperty({ description: 'Start of the period (inclusive): YYYY-MM-DD (UTC) or ISO-8601 with an offset; else 422 INVALID_PERIOD' })
  @Field({ description: 'Start (inclusive): YYYY-MM-DD (UTC) or ISO-8601 with an offset' })
  @IsString()
  @MaxLength(40)
  from: string;
  @ApiProperty({ description: 'End of the period (exclusive): YYYY-MM-DD (UTC) or ISO-8601 with an offset; else 422 INVALID_PERIOD' })
  @Field({ description: 'End (exclusive): YYYY-MM-DD (UTC) or ISO-8601 with an offset' })
  @IsString()
  @MaxLength(40)
  to: string;
  @ApiPropertyOptional() @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(200) csrId?: string;
  @ApiPropertyOptional({ description: 'Only sessions picked up from this queue (a team)' }) @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(100) queueId?: string;
}

class ActivityRestQuery extends ActivityQuery {
  @ApiPropertyOptional({ enum: ['json', 'csv'] }) @IsOptional() @IsIn(['json', 'csv']) format?: 'json' | 'csv';
}

@ArgsType()
class ExportRequest extends ActivityQuery {
  @ApiProperty({ enum: ['json', 'csv'] }) @Field() @IsIn(['json', 'csv']) format: 'json' | 'csv';
}

const filterOf = (q: ActivityQuery) => ({ from: parseInstant(q.from, 'from'), to: parseInstant(q.to, 'to'), csrId: q.csrId, queueId: q.queueId });

/** RPT-1 over GraphQL: the report, and exports of large periods as jobs. */
@Resolver(() => CsrActivityModel)
export class ReportsResolver {
  constructor(private readonly reports: ReportService) {}

  @Roles('reporting', 'supervisor')
  @GqlQuery(() => [CsrActivityModel])
  async csrActivityReport(@Args() q: ActivityQuery) {
    return (await this.reports.csrActivity(filterOf(q))).map(toModel);
  }

  @Roles('reporting', 'supervisor')
  @Mutation(() => ID, { description: 'Starts an export job; follow it with reportExport(id)' })
  requestActivityExport(@CurrentPrincipal() p: Principal, @Args() q: ExportRequest) {
    return this.reports.requestExport(p, filterOf(q), q.format);
  }

  @Roles('reporting', 'supervisor')
  @GqlQuery(() => ExportModel)
  async reportExport(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }, ParseUUIDPipe) id: string) {
    return this.reports.exportStatus(p, id);
  }
}

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/v1/reports')
export class ReportsController {
  constructor(private readonly reports: ReportService) {}

  @Roles('reporting', 'supervisor')
  @Get('csr-activity')
  @ApiOperation({ summary: 'RPT-1: activity per CSR over a period, as JSON or CSV (format=csv)' })
  @ApiResponse({
    status: 200,
    description: 'One row per CSR',
    content: { 'application/json': { schema: { type: 'array', items: ref('CsrActivity') } }, 'text/csv': { schema: { type: 'string' } } },
  })
  async csrActivity(@Query() q: ActivityRestQuery, @Res({ passthrough: true }) res: { type(t: string): void }) {
    const rows = await this.reports.csrActivity(filterOf(q));
    if (q.format === 'csv') {
      res.type('text/csv');
      return activityCsv(rows);
    }
    return rows;
  }

  @Roles('reporting', 'supervisor')
  @Post('csr-activity/exports')
  @ApiOperation({ summary: 'RPT-1: export a large period as a job' })
  @ApiCreatedResponse({ description: 'The export job', schema: EXPORT_ACCEPTED })
  async requestExport(@CurrentPrincipal() p: Principal, @Body() body: ExportRequest) {
    return { id: await this.reports.requestExport(p, filterOf(body), body.format) };
  }

  @Roles('reporting', 'supervisor')
  @Get('exports/:id')
  @ApiOperation({ summary: "An export job's status" })
  @ApiOkResponse({ schema: EXPORT_STATUS })
  exportStatus(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.reports.exportStatus(p, id).then(({ filter: _filter, requestedBy: _by, ...status }) => status);
  }

  @Roles('reporting', 'supervisor')
  @Get('exports/:id/file')
  @ApiOperation({ summary: "A finished export's file (404 EXPORT_NOT_READY before)" })
  @ApiResponse({
    status: 200,
    description: 'The file, as an attachment',
    content: { 'application/json': { schema: { type: 'array', items: ref('CsrActivity') } }, 'text/csv': { schema: { type: 'string' } } },
  })
  @Header('Cache-Control', 'no-store')
  async exportFile(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Res({ passthrough: true }) res: { type(t: string): void; header(n: string, v: string): void },
  ) {
    const file = await this.reports.exportFile(p, id);
    res.type(file.format === 'csv' ? 'text/csv' : 'application/json');
    res.header('Content-Disposition', `attachment; filename="csr-activity-${id}.${file.format}"`);
    return file.content;
  }
}
