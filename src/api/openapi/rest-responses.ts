import { applyDecorators } from '@nestjs/common';
import { ApiResponse, type SchemaObject } from '@nestjs/swagger';

/**
 * Response bodies of REST routes that return no GraphQL object type, as JSON Schema. A `$ref` to
 * `#/components/schemas/<Name>` names a GraphQL object type (Session, Queue, ChainVerdict, ...);
 * `openApiDocument` adds those from the GraphQL schema, so REST and GraphQL share one shape.
 */
export const ref = (graphqlType: string): SchemaObject => ({ $ref: `#/components/schemas/${graphqlType}` }) as SchemaObject;

const isoTime: SchemaObject = { type: 'string', format: 'date-time' };
const anyObject: SchemaObject = { type: 'object', additionalProperties: true };

/** A route's success answer: `status`, a description and a body (or none for 204). */
export function Answers(status: number, description: string, body?: SchemaObject, contentType = 'application/json') {
  return applyDecorators(ApiResponse({ status, description, ...(body ? { content: { [contentType]: { schema: body } } } : {}) }));
}

export const CUSTOMER_CREDENTIAL: SchemaObject = {
  type: 'object',
  required: ['token', 'expiresAt', 'sessionId', 'customerId'],
  properties: {
    token: { type: 'string', description: 'Bearer token scoped to this session and customer' },
    expiresAt: { ...isoTime, description: 'Refresh before it (POST /api/v1/join/refresh)' },
    sessionId: { type: 'string', format: 'uuid' },
    customerId: { type: 'string' },
    consistencyToken: { type: 'string', description: 'Joins only: pass as `after` to a session query that must show the join' },
  },
};

export const SIGN_IN_CONFIG: SchemaObject = {
  type: 'object',
  required: ['localSignIn', 'oidc'],
  properties: {
    localSignIn: { type: 'boolean' },
    oidc: { type: 'object', nullable: true, properties: { authority: { type: 'string' }, clientId: { type: 'string' }, scope: { type: 'string' } } },
  },
};

export const LOCAL_TOKEN: SchemaObject = { type: 'object', required: ['token', 'local'], properties: { token: { type: 'string' }, local: { type: 'boolean', enum: [true] } } };

const caughtMailSummary = {
  id: { type: 'string' },
  to: { type: 'array', items: { type: 'string' } },
  from: { type: 'string', nullable: true },
  subject: { type: 'string' },
  date: isoTime,
} satisfies Record<string, SchemaObject>;
export const CAUGHT_MAIL_LIST: SchemaObject = { type: 'array', items: { type: 'object', required: Object.keys(caughtMailSummary), properties: caughtMailSummary } };
export const CAUGHT_MAIL: SchemaObject = {
  type: 'object',
  required: [...Object.keys(caughtMailSummary), 'text', 'html', 'raw'],
  properties: {
    ...caughtMailSummary,
    text: { type: 'string' },
    html: { type: 'string', nullable: true },
    raw: { type: 'string', description: 'The message as received (RFC 5322)' },
  },
};

const historyEvent = (extra: Record<string, SchemaObject>): SchemaObject => ({
  type: 'object',
  required: ['version', 'id', 'type', 'at', 'by', 'data', 'state', ...Object.keys(extra)],
  properties: {
    version: { type: 'integer' },
    id: { type: 'string' },
    type: { type: 'string' },
    at: isoTime,
    by: { type: 'string', nullable: true },
    data: anyObject,
    state: { ...anyObject, description: 'The folded state after this event' },
    ...extra,
  },
});
const page = (item: SchemaObject): SchemaObject => ({
  type: 'object',
  required: ['items', 'total', 'chain'],
  properties: { items: { type: 'array', items: item }, total: { type: 'integer' }, chain: ref('ChainVerdict') },
});
export const SESSION_HISTORY = page(historyEvent({ session: ref('Session') }));
export const QUEUE_HISTORY = page(historyEvent({}));
export const SESSION_STATE_AT: SchemaObject = {
  type: 'object',
  required: ['version', 'at', 'state', 'session', 'chain'],
  properties: { version: { type: 'integer' }, at: isoTime, state: anyObject, session: ref('Session'), chain: ref('ChainVerdict') },
};
export const QUEUE_STATE_AT: SchemaObject = {
  type: 'object',
  required: ['version', 'at', 'state', 'chain'],
  properties: { version: { type: 'integer' }, at: isoTime, state: anyObject, chain: ref('ChainVerdict') },
};

export const EXPORT_ACCEPTED: SchemaObject = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid', description: 'Follow it at GET /api/v1/reports/exports/{id}' } },
};
export const EXPORT_STATUS: SchemaObject = {
  type: 'object',
  required: ['id', 'status', 'progress', 'format', 'error'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    status: { type: 'string', enum: ['queued', 'running', 'done', 'failed'] },
    progress: { type: 'number', minimum: 0, maximum: 1 },
    format: { type: 'string', enum: ['json', 'csv'] },
    error: { type: 'string', nullable: true },
  },
};

export const STORED_FILES: SchemaObject = {
  type: 'array',
  items: {
    type: 'object',
    required: ['id', 'name', 'contentType', 'sizeBytes', 'sha256', 'storedAt'],
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      contentType: { type: 'string' },
      sizeBytes: { type: 'integer' },
      sha256: { type: 'string' },
      storedAt: isoTime,
    },
  },
};
export const RECORDING_VERDICTS: SchemaObject = {
  type: 'array',
  items: {
    type: 'object',
    required: ['recordingId', 'startedVersion', 'startedAt', 'stoppedAt', 'durationMs', 'sizeBytes', 'sha256', 'verdict', 'actualSha256'],
    properties: {
      recordingId: { type: 'string' },
      startedVersion: { type: 'integer' },
      startedAt: isoTime,
      stoppedAt: { ...isoTime, nullable: true },
      durationMs: { type: 'integer', nullable: true },
      sizeBytes: { type: 'integer', nullable: true },
      sha256: { type: 'string', nullable: true, description: 'The digest the history holds' },
      verdict: { type: 'string', enum: ['verified', 'mismatch', 'missing', 'deleted', 'no_bytes', 'recording'] },
      actualSha256: { type: 'string', nullable: true },
    },
  },
};
export const BYTES: SchemaObject = { type: 'string', format: 'binary' };

export const HEALTH_REPORT: SchemaObject = {
  type: 'object',
  description: 'Terminus report: `info` for checks up, `error` for checks down, `details` for all',
  required: ['status'],
  properties: { status: { type: 'string', enum: ['ok', 'error', 'shutting_down'] }, info: anyObject, error: anyObject, details: anyObject },
};
