import { Inject, Injectable, type OnModuleInit, type Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JOB_SCHEDULER, type JobScheduler } from '../application/jobs/job-scheduler.port.js';
import { EXPORT_JOB, ReportService } from '../application/reports/report.service.js';
import { PgActivityReports, PgReportExports } from './persistence/activity-report-read-model.js';

/** Registers the export job's handler before the scheduler starts (at bootstrap). */
@Injectable()
export class ReportJobs implements OnModuleInit {
  constructor(
    @Inject(JOB_SCHEDULER) private readonly jobs: JobScheduler,
    @Inject(ReportService) private readonly reports: ReportService,
  ) {}

  onModuleInit() {
    this.jobs.handle(EXPORT_JOB, (data) => this.reports.runExport(String(data.exportId)));
  }
}

export function reportProviders(): Provider[] {
  return [
    {
      provide: ReportService,
      inject: [DataSource, JOB_SCHEDULER],
      useFactory: (dataSource: DataSource, jobs: JobScheduler) => {
        const reports = new PgActivityReports(dataSource);
        return new ReportService(reports, new PgReportExports(dataSource), jobs);
      },
    },
    ReportJobs,
  ];
}
