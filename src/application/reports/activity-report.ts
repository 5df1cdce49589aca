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
  /** WebACD offers made to this CSR in the period, and what they did with them (timed out = let expire). */
  readonly offers: { readonly received: number; readonly accepted: number; readonly declined: number; readonly timedOut: number };
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

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * A period bound, strictly (issue 11): `YYYY-MM-DD` (midnight UTC) or an ISO-8601 date-time
 * WITH an offset (`Z` or `+hh:mm`), every part in range (`2026-02-30` does not exist). A time
 * without an offset would depend on the server's time zone, so it is refused.
 * Throws INVALID_PERIOD naming `field`.
 */
export function parseInstant(text: string, field: 'from' | 'to'): Date {
  const m = INSTANT.exec(text);
  const invalid = () =>
    validationError(
      'INVALID_PERIOD',
      field,
      `${field} must be YYYY-MM-DD (UTC) or an ISO-8601 date-time with an offset, e.g. 2026-03-01T00:00:00Z (got ${JSON.stringify(text.slice(0, 40))})`,
    );
  if (!m) throw invalid();
  const [year, month, day, hour = 0, minute = 0, second = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((p) => (p === undefined ? undefined : Number(p))) as number[];
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysInMonth || hour > 23 || minute > 59 || second > 59) throw invalid();
  const offset = m[8] && m[8] !== 'Z' ? (m[8][0] === '-' ? -1 : 1) * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(4, 6))) : 0;
  if (Math.abs(offset) > 14 * 60) throw invalid();
  const ms = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  return new Date(Date.UTC(year!, month! - 1, day!, hour, minute, second, ms) - offset * 60_000);
}

/** A period is a half-open range [from, to) of at most ~5 years. */
export function checkPeriod(filter: ActivityFilter): ActivityFilter {
  if (Number.isNaN(filter.from.getTime())) throw validationError('INVALID_PERIOD', 'from', 'from must be an ISO-8601 date or time');
  if (Number.isNaN(filter.to.getTime())) throw validationError('INVALID_PERIOD', 'to', 'to must be an ISO-8601 date or time');
  if (filter.from >= filter.to) throw validationError('INVALID_PERIOD', 'to', 'to must be after from');
  if (filter.to.getTime() - filter.from.getTime() > 5 * 366 * 24 * 3_600_000) throw validationError('INVALID_PERIOD', 'to', 'a period may span at most five years');
  return filter;
}

/**
 * CSV for spreadsheets: one line per CSR, notes joined in the last column (free text last), RFC 4180 quoting (CRLF). Written by
 * csv-stringify with `escape_formulas`: a cell that begins with `=`, `+`, `-`, `@`, TAB or CR
 * is prefixed with `'`, so a note or name such as `=1+1` is shown as text, never run as a
 * formula. Durations are seconds with one decimal (numbers, never escaped).
 */
export function activityCsv(rows: readonly CsrActivity[]): string {
  const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10);
  return stringify(
    rows.map((r) => [
      r.csrId,
      r.sessions,
      r.byKind.inbound,
      r.byKind.outbound,
      r.byMode.single,
      r.byMode.multi,
      r.customersHelped,
      seconds(r.handleTimeMs.total),
      seconds(r.handleTimeMs.average),
      r.pickedUpFromQueue,
      seconds(r.averageQueueWaitMs),
      r.transfersGiven,
      r.transfersReceived,
      r.handOvers,
      r.recordings,
      r.offers.received,
      r.offers.accepted,
      r.offers.declined,
      r.offers.timedOut,
      r.notes.map((n) => n.text).join(' | '),
    ]),
    {
      header: true,
      columns: [
        'csr_id',
        'sessions',
        'inbound',
        'outbound',
        'single_session',
        'multi_session',
        'customers_helped',
        'handle_time_total_s',
        'handle_time_average_s',
        'picked_up_from_queue',
        'average_queue_wait_s',
        'transfers_given',
        'transfers_received',
        'hand_overs',
        'recordings',
        'offers_received',
        'offers_accepted',
        'offers_declined',
        'offers_timed_out',
        'notes',
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
