import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { isBackendUnavailable, RETRY_AFTER_SECONDS } from '../../application/errors/backend-unavailable.js';
import { DomainError, type ErrorCategory } from '../../domain/shared/domain-error.js';
import { activeTraceId } from '../../application/operations/tracing.js';
import { graphqlErrors, parserRefusal, pathOf, refusalProblem, withoutCredentials } from '../http/input-guard.js';

const STATUS: Record<ErrorCategory, number> = {
  validation: 422,
  forbidden: 403,
  not_found: 404,
  illegal_state: 409,
  concurrency: 409,
};

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  field?: string;
  errors?: unknown;
  /** 429 and 503: seconds until the caller may try again (Retry-After over REST, extensions in GraphQL). */
  retryAfter?: number;
  /** The request's W3C trace id, when tracing is on. */
  traceId?: string;
  [key: string]: unknown;
}

/** Turns any error into one stable shape: RFC 7807 for REST, `extensions.code` for GraphQL. */
export function toProblem(error: unknown): Problem {
  const refused = parserRefusal(error);
  if (refused) return refusalProblem(refused);
  if (error instanceof DomainError) {
    return {
      type: `https://tandem.dev/problems/${error.code.toLowerCase().replaceAll('_', '-')}`,
      title: error.category.replaceAll('_', ' '),
      status: STATUS[error.category],
      detail: error.message,
      code: error.code,
      ...(error.field ? { field: error.field } : {}),
      ...(error.details ? { details: error.details } : {}),
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse();
    const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? error.message);
    const detail = Array.isArray(message) ? message.join('; ') : String(message);
    const code = (typeof body === 'object' && (body as { code?: string }).code) || httpCode(status);
    return {
      type: `https://tandem.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`,
      title: HttpStatus[status]?.toLowerCase().replaceAll('_', ' ') ?? 'error',
      status,
      detail,
      code,
      ...(typeof body === 'object' && (body as { errors?: unknown }).errors ? { errors: (body as { errors: unknown }).errors } : {}),
      // 429: seconds until the caller may try again (Retry-After over REST, extensions in GraphQL).
      ...(typeof body === 'object' && typeof (body as { retryAfter?: unknown }).retryAfter === 'number' ? { retryAfter: (body as { retryAfter: number }).retryAfter } : {}),
    };
  }
  if (isBackendUnavailable(error)) {
    // Issue 12: the database is away (crash, restart, network); the request may simply be repeated.
    return {
      type: 'https://tandem.dev/problems/database-unavailable',
      title: 'service unavailable',
      status: 503,
      detail: 'the database is unavailable; retry shortly',
      code: 'DATABASE_UNAVAILABLE',
      retryAfter: RETRY_AFTER_SECONDS,
    };
  }
  return { type: 'about:blank', title: 'internal error', status: 500, detail: 'internal error', code: 'INTERNAL' };
}

function httpCode(status: number): string {
  switch (status) {
    case 400:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 429:
      return 'RATE_LIMITED';
    default:
      return HttpStatus[status] ?? 'ERROR';
  }
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost) {
    // The request's trace id (issue 17): what an operator looks up in traces and log lines.
    const traceId = activeTraceId();
    const problem: Problem = { ...toProblem(error), ...(traceId ? { traceId } : {}) };
    if (problem.status === 503) this.logger.warn({ code: problem.code, reason: String((error as Error)?.message ?? error) }, 'request refused: database unavailable');
    else if (problem.status >= 500) this.logger.error({ err: error }, 'unhandled error');
    switch (host.getType<'http' | 'graphql' | 'ws'>()) {
      case 'graphql': {
        const { status, code, detail, field, details, errors, retryAfter } = problem;
        return new GraphQLError(detail, {
          extensions: {
            code,
            status,
            ...(field ? { field } : {}),
            ...(details ? { details } : {}),
            ...(errors ? { errors } : {}),
            ...(retryAfter !== undefined ? { retryAfter } : {}),
            ...(traceId ? { traceId } : {}),
          },
        });
      }
      case 'ws':
        return;
      default: {
        const response = host.switchToHttp().getResponse<{
          status(n: number): { type(t: string): { send(b: string): void } };
          header(name: string, value: string): void;
          removeHeader(name: string): void;
        }>();
        const request = host.switchToHttp().getRequest<{ url?: string; problemCode?: string; routeOptions?: { url?: string } }>();
        // The request's log line names the problem code (log-shape.ts requestFields).
        request.problemCode = problem.code;
        if (typeof problem.retryAfter === 'number') response.header('Retry-After', String(problem.retryAfter));
        // A body refused while it was read: on /graphql, GraphQL's `errors` too. Fastify marks such
        // an answer `Connection: close`, which can cut the refusal off while the client is still
        // sending; without it, Node reads the rest of the body off and keeps the connection.
        const refused = parserRefusal(error);
        if (refused) response.removeHeader('connection');
        const graphql = refused ? graphqlErrors(refused, (request.routeOptions?.url ?? pathOf(request.url ?? '')).toLowerCase()) : {};
        response
          .status(problem.status)
          .type('application/problem+json')
          .send(JSON.stringify({ ...problem, instance: withoutCredentials(request.url), ...graphql }));
      }
    }
  }
}
