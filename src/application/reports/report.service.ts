import { randomUUID } from 'node:crypto';
import { notFound } from '../../domain/shared/domain-error.js';
import { hasRole, type Principal } from '../identity/principal.js';
import type { JobScheduler } from '../jobs/job-scheduler.port.js';
import { type ActivityFilter, type ActivityReports, activityCsv, checkPeriod, type CsrActivity, type ReportExports } from './activity-report.js';

export const EXPORT_JOB = 'reports.export-csr-activity';

/** RPT-1 for `reporting` and `supervisor`: the report now, or an export job for large periods. */
export class ReportService {
  constructor(
    private readonly reports: ActivityReports,
    private readonly exports: ReportExports,
    private readonly jobs: JobScheduler,
  ) {}

  csrActivity(filter: ActivityFilter): Promise<CsrActivity[]> {
    return this.reports.csrActivity(checkPeriod(filter));
  }

  async requestExport(principal: Principal, filter: ActivityFilter, format: 'csv' | 'json'): Promise<string> {
    checkPeriod(filter);
    const id = randomUUID();
    await this.exports.create(id, principal.userId, format, filter);
    await this.jobs.schedule(EXPORT_JOB, { exportId: id }, { jobId: `export:${id}`, attempts: 3 });
    return id;
  }

  /** An export is its requester's; supervisors see every one. */
  async exportStatus(principal: Principal, id: string) {
    const found = await this.exports.get(id, hasRole(principal, 'supervisor') ? undefined : principal.userId);
    if (!found) throw notFound('EXPORT_NOT_FOUND', `no report export ${id}`);
    return found;
  }

  async exportFile(principal: Principal, id: string): Promise<{ format: 'csv' | 'json'; content: string }> {
    const found = await this.exportStatus(principal, id);
    const content = found.status === 'done' ? await this.exports.content(id) : undefined;
    if (content === undefined) throw notFound('EXPORT_NOT_READY', `export ${id} is ${found.status} (${Math.round(found.progress * 100)} %)`);
    return { format: found.format, content };
  }

  /**
   * The job: the report's own query on the export's filter (issue 11: an export is its report,
   * CSR filter included), then the file; re-running it starts over and overwrites.
   */
  async runExport(id: string): Promise<void> {
    const found = await this.exports.get(id);
    if (!found || found.status === 'done') return;
    try {
      await this.exports.progress(id, 'running', 0);
      const rows = await this.csrActivity(found.filter);
      await this.exports.finish(id, found.format === 'csv' ? activityCsv(rows) : JSON.stringify(rows, null, 2), null);
    } catch (error) {
      await this.exports.finish(id, null, (error as Error).message);
      throw error;
    }
  }
}
