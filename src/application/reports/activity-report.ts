import { stringify } from 'csv-stringify/sync';
import { validationError } from '../../domain/shared/domain-error.js';

/** RPT-1: one CSR's activity over a period, from the report read model. */
export interface CsrActivity {
  readonly csrId: string;
  readonly sessions: number;
  readonly byKind: { readonly inbound: number; readonly outbound: number };
  readonly byMode: { readonly single: number; readonly multi: number };
  readonly customersHelped: number;
  readonly handleTimeMs: { readonly total: number; readonly average: number | null };
  /** Sessions this CSR picked up from a queue, and how long they had waited. */
  readonly pickedUpFromQueue: number;
  readonly averageQueueWaitMs: number | null;
  readonly transfersGiven: number;
  readonly transfersReceived: number;
  readonly handOvers: number;
  readonly recordings: number;
  /** TL-6: the notes this CSR saved. */
  readonly notes: readonly { readonly sessionId: string; readonly noteId: string; readonly text: string; readonly at: string }[];
}

export interface ActivityFilter {
  readonly from: Date;
  readonly to: Date;
  readonly csrId?: string;
  readonly queueId?: string;
}

export interface ActivityReports {
  csrActivity(filter: ActivityFilter): Promise<CsrActivity[]>;
}

export const ACTIVITY_REPORTS = Symbol('ActivityReports');

/** A period is a half-open range [from, to) of at most ~5 years. */
export function checkPeriod(filter: ActivityFilter): ActivityFilter {
  if (Number.isNaN(filter.from.getTime())) throw validationError('INVALID_PERIOD', 'from', 'from must be an ISO-8601 date or time');
  if (Number.isNaN(filter.to.getTime())) throw validationError('INVALID_PERIOD', 'to', 'to must be an ISO-8601 date or time');
  if (filter.from >= filter.to) throw validationError('INVALID_PERIOD', 'to', 'to must be after from');
  if (filter.to.getTime() - filter.from.getTime() > 5 * 366 * 24 * 3_600_000) throw validationError('INVALID_PERIOD', 'to', 'a period may span at most five years');
  return filter;
}

/**
 * CSV for spreadsheets: one line per CSR, notes joined, RFC 4180 quoting (CRLF). Written by
 * csv-stringify with `escape_formulas`: a cell that begins with `=`, `+`, `-`, `@`, TAB or CR
 * is prefixed with `'`, so a note or name such as `=1+1` is shown as text, never run as a
 * formula. Durations are seconds with one decimal (numbers, never escaped).
 */
export function activityCsv(rows: readonly CsrActivity[]): string {
  const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10);
  return stringify(
    rows.map((r) => [
      r.csrId, r.sessions, r.byKind.inbound, r.byKind.outbound, r.byMode.single, r.byMode.multi, r.customersHelped, seconds(r.handleTimeMs.total),
      seconds(r.handleTimeMs.average), r.pickedUpFromQueue, seconds(r.averageQueueWaitMs), r.transfersGiven, r.transfersReceived, r.handOvers,
      r.recordings, r.notes.map((n) => n.text).join(' | '),
    ]),
    {
      header: true,
      columns: [
        'csr_id', 'sessions', 'inbound', 'outbound', 'single_session', 'multi_session', 'customers_helped', 'handle_time_total_s',
        'handle_time_average_s', 'picked_up_from_queue', 'average_queue_wait_s', 'transfers_given', 'transfers_received', 'hand_overs',
        'recordings', 'notes',
      ],
      escape_formulas: true,
      record_delimiter: 'windows',
    },
  );
}

/** An export of the report, made by a job (large periods take a while). */
export interface ReportExport {
  readonly id: string;
  readonly status: 'queued' | 'running' | 'done' | 'failed';
  readonly progress: number;
  readonly format: 'csv' | 'json';
  readonly error: string | null;
}

export interface ReportExports {
  create(id: string, requestedBy: string, format: 'csv' | 'json', filter: ActivityFilter): Promise<void>;
  progress(id: string, status: ReportExport['status'], progress: number): Promise<void>;
  finish(id: string, content: string | null, error: string | null): Promise<void>;
  get(id: string, requestedBy?: string): Promise<(ReportExport & { filter: ActivityFilter; requestedBy: string }) | undefined>;
  content(id: string): Promise<string | undefined>;
}
