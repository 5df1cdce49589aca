import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Tandem's configuration, read from the environment once and validated at start. A bad value
 * stops start-up with one line naming the variable and the rule.
 */
export interface AppConfig {
  readonly port: number;
  readonly host: string;
  /** Absent: the embedded PostgreSQL under `dataDir`. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly redisUrl?: string;
  readonly eventstoreUrl?: string;
  readonly jwt: {
    /** HS256 secret; with neither secret nor JWKS, a local secret kept in `<dataDir>/jwt-secret`. */
    readonly secret?: string;
    readonly jwksUrl?: string;
    readonly issuer?: string;
    readonly audience?: string;
    /** The longest a token may still run when presented: `exp` is required and at most this far ahead (seconds). */
    readonly maxTtlSeconds: number;
    /** How far a clock may be ahead: `iat`/`nbf` later than now plus this are refused (seconds). */
    readonly clockSkewSeconds: number;
  };
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** SES-5: how long a controlling CSR's console may be gone before the session ends. */
  readonly presenceGraceMs: number;
  /** Base of the join links handed out in invitations. */
  readonly publicBaseUrl: string;
  readonly dbPoolSize: number;
  /** Every Tandem connection: longest statement, and longest idle time inside a transaction (ms; issue 12). */
  readonly dbStatementTimeoutMs: number;
  readonly dbIdleInTransactionTimeoutMs: number;
  /** The embedded PostgreSQL: wait before restarting a postmaster that died under us (ms). */
  readonly embeddedRestartDelayMs: number;
  /** WebACD: how long a request may wait in a queue before it is abandoned. */
  readonly webacdMaxWaitMs: number;
  /** The rolling window of the queue statistics (service level, speed of answer, abandonment), ms. */
  readonly webacdStatsWindowMs: number;
  /** The public help form (SES-2): requests per minute per client address. */
  readonly inboundRatePerMinute: number;
  /** Session-number lookups and joins: per minute, per principal and per client address, across nodes. */
  readonly lookupRatePerMinute: number;
  /** Customers joining without an account (INV-3, INV-4): how long their session credential lasts (it is refreshed while they are present). */
  readonly customerJoin: { readonly credentialTtlSeconds: number };
  /**
   * The consoles' local sign-in (development; anyone may name themselves and their roles):
   * on by default without JWT_JWKS_URL, always off with it. LOCAL_SIGN_IN=off turns it off.
   */
  readonly localSignIn: boolean;
  /** OpenID Connect for the consoles (with JWT_JWKS_URL): the provider (OIDC_AUTHORITY, default JWT_ISSUER) and the consoles' public client id. */
  readonly oidc?: { readonly authority: string; readonly clientId: string; readonly scope: string };
  /** WebRTC: STUN/TURN handed to clients; TURN credentials are minted with the coturn shared secret. */
  /** Readiness (`/health/ready`) fails while a projection's oldest unprocessed event is older than this. */
  readonly readyMaxProjectionLagSeconds: number;
  /** The GraphQL socket (/graphql, graphql-ws): sockets per user and operations per socket, per node. */
  readonly graphqlWs: { readonly socketsPerUser: number; readonly subscriptionsPerSocket: number };
  /**
   * NODE_ENV=development, asked for explicitly: GraphQL stack traces and anonymous
   * introspection. Never the default (`npm start` without NODE_ENV is production behaviour).
   */
  readonly development: boolean;
  /**
   * Recordings and files (issue 16). Uploads stage under `<dataDir>/uploads`; complete bytes go to
   * the blob store: `<dataDir>/blobs` (BLOB_STORE=fs, the default) or an S3-compatible bucket
   * (BLOB_STORE=s3 with S3_BUCKET, S3_ENDPOINT, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY,
   * S3_FORCE_PATH_STYLE).
   */
  readonly files: {
    /** UPLOAD_MAX_BYTES: the largest upload, default 2 GiB; at most 5 GiB with S3 (one PutObject). */
    readonly maxUploadBytes: number;
    readonly blobStore: 'fs' | 's3';
    readonly s3?: {
      readonly bucket: string;
      readonly endpoint?: string;
      readonly region: string;
      readonly accessKeyId?: string;
      readonly secretAccessKey?: string;
      readonly forcePathStyle: boolean;
    };
    /** RETENTION_SWEEP_MS: how often the retention job runs (ADM-1); default hourly. */
    readonly retentionSweepMs: number;
    /**
     * UPLOAD_EXPIRY_MS: an unfinished upload older than this (from its creation) is abandoned:
     * tus answers 410 to it and the retention job deletes its staged bytes. Default 24 h; a
     * recording's upload is unfinished while it runs, so this also bounds a recording's length.
     */
    readonly uploadExpiryMs: number;
  };
  readonly ice: { readonly stunUrls: readonly string[]; readonly turnUrls: readonly string[]; readonly turnSecret?: string; readonly turnTtlSeconds: number };
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    rule: string,
    value: string,
  ) {
    super(`Invalid configuration: ${variable} ${rule} (got ${JSON.stringify(value)})`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: Env = process.env): AppConfig {
  const read = (name: string) => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) throw new ConfigError(name, `must be an integer from ${min} to ${max}`, raw);
    return n;
  };
  const url = (name: string, protocols: string[]) => {
    const raw = read(name);
    if (raw === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new ConfigError(name, `must be a URL (${protocols.join(', ')})`, raw);
    }
    if (!protocols.includes(parsed.protocol)) throw new ConfigError(name, `must use one of ${protocols.join(', ')}`, raw);
    return raw;
  };

  /** A comma-separated list of ICE URLs (stun:host:3478, turn:host:3478?transport=udp, ...). */
  const iceUrls = (name: string, schemes: string[]) => {
    const raw = read(name);
    if (raw === undefined) return [];
    const urls = raw
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    for (const u of urls) if (!schemes.some((scheme) => u.startsWith(scheme))) throw new ConfigError(name, `must be a comma-separated list of ${schemes.join(' or ')} URLs`, raw);
    return urls;
  };

  const port = integer('PORT', 3000, 0, 65535);
  const logLevel = read('LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`, logLevel);
  const secret = read('JWT_SECRET');
  if (secret !== undefined && secret.length < 32) throw new ConfigError('JWT_SECRET', 'must be at least 32 characters', '<hidden>');
  const dataDir = resolve(read('DATA_DIR') ?? './data');

  const blobStore = read('BLOB_STORE') ?? 'fs';
  if (blobStore !== 'fs' && blobStore !== 's3') throw new ConfigError('BLOB_STORE', 'must be fs or s3', blobStore);
  const s3Bucket = read('S3_BUCKET');
  if (blobStore === 's3' && !s3Bucket) throw new ConfigError('S3_BUCKET', 'is required when BLOB_STORE=s3', '');
  const s3Endpoint = url('S3_ENDPOINT', ['http:', 'https:']);
  const pathStyle = read('S3_FORCE_PATH_STYLE');
  if (pathStyle !== undefined && pathStyle !== 'true' && pathStyle !== 'false') throw new ConfigError('S3_FORCE_PATH_STYLE', 'must be true or false', pathStyle);
  const GIB = 1024 ** 3;
  const maxUploadBytes = integer('UPLOAD_MAX_BYTES', 2 * GIB, 1, blobStore === 's3' ? 5 * GIB : 1024 * GIB);

  return {
    port,
    host: read('HOST') ?? '0.0.0.0',
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir,
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:']),
    eventstoreUrl: url('EVENTSTORE_URL', ['esdb:', 'esdb+discover:', 'kurrentdb:', 'kurrentdb+discover:', 'kurrent:', 'kurrent+discover:']),
    jwt: {
      secret,
      jwksUrl: url('JWT_JWKS_URL', ['https:', 'http:']),
      issuer: read('JWT_ISSUER'),
      audience: read('JWT_AUDIENCE'),
      maxTtlSeconds: integer('JWT_MAX_TTL', 12 * 3600, 60, 7 * 86_400),
      clockSkewSeconds: integer('JWT_CLOCK_SKEW', 60, 0, 600),
    },
    logLevel: logLevel as AppConfig['logLevel'],
    presenceGraceMs: integer('PRESENCE_GRACE_MS', 30_000, 1_000, 3_600_000),
    publicBaseUrl: url('PUBLIC_BASE_URL', ['http:', 'https:']) ?? `http://localhost:${port}`,
    dbPoolSize: integer('DB_POOL_SIZE', 20, 2, 500),
    dbStatementTimeoutMs: integer('DB_STATEMENT_TIMEOUT_MS', 30_000, 0, 3_600_000),
    dbIdleInTransactionTimeoutMs: integer('DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', 10_000, 0, 3_600_000),
    embeddedRestartDelayMs: integer('EMBEDDED_PG_RESTART_DELAY_MS', 5_000, 100, 600_000),
    webacdMaxWaitMs: integer('WEBACD_MAX_WAIT_MS', 30 * 60_000, 10_000, 24 * 3_600_000),
    webacdStatsWindowMs: integer('WEBACD_STATS_WINDOW_MS', 15 * 60_000, 60_000, 24 * 3_600_000),
    inboundRatePerMinute: integer('INBOUND_RATE_PER_MINUTE', 10, 1, 100_000),
    readyMaxProjectionLagSeconds: integer('READY_MAX_PROJECTION_LAG_SECONDS', 30, 1, 86_400),
    lookupRatePerMinute: integer('NUMBER_LOOKUP_RATE_PER_MINUTE', 30, 1, 100_000),
    graphqlWs: {
      socketsPerUser: integer('GRAPHQL_WS_SOCKETS_PER_USER', 10, 1, 10_000),
      subscriptionsPerSocket: integer('GRAPHQL_WS_SUBSCRIPTIONS_PER_SOCKET', 50, 1, 100_000),
    },
    development: read('NODE_ENV') === 'development',
    customerJoin: {
      credentialTtlSeconds: integer('CUSTOMER_TOKEN_TTL_SECONDS', 600, 60, 43_200),
    },
    localSignIn: localSignIn(read('LOCAL_SIGN_IN'), read('JWT_JWKS_URL') !== undefined),
    oidc: oidcConfig(url('OIDC_AUTHORITY', ['https:', 'http:']) ?? read('JWT_ISSUER'), read('OIDC_CLIENT_ID'), read('OIDC_SCOPE')),
    files: {
      maxUploadBytes,
      blobStore,
      s3:
        blobStore === 's3'
          ? {
              bucket: s3Bucket!,
              endpoint: s3Endpoint,
              region: read('S3_REGION') ?? 'us-east-1',
              accessKeyId: read('S3_ACCESS_KEY_ID'),
              secretAccessKey: read('S3_SECRET_ACCESS_KEY'),
              forcePathStyle: pathStyle === undefined ? s3Endpoint !== undefined : pathStyle === 'true',
            }
          : undefined,
      retentionSweepMs: integer('RETENTION_SWEEP_MS', 3_600_000, 1_000, 7 * 86_400_000),
      uploadExpiryMs: integer('UPLOAD_EXPIRY_MS', 86_400_000, 1_000, 30 * 86_400_000),
    },
    ice: {
      stunUrls: iceUrls('STUN_URLS', ['stun:', 'stuns:']),
      turnUrls: iceUrls('TURN_URLS', ['turn:', 'turns:']),
      turnSecret: read('TURN_SECRET'),
      turnTtlSeconds: integer('TURN_TTL_SECONDS', 3600, 60, 86_400),
    },
  };
}

function oidcConfig(authority: string | undefined, clientId: string | undefined, scope: string | undefined): AppConfig['oidc'] {
  if (!clientId) return undefined;
  if (!authority) throw new ConfigError('OIDC_CLIENT_ID', 'needs OIDC_AUTHORITY or JWT_ISSUER (the identity provider)', clientId);
  return { authority, clientId, scope: scope ?? 'openid profile' };
}

function localSignIn(raw: string | undefined, withJwks: boolean): boolean {
  if (raw !== undefined && raw !== 'on' && raw !== 'off') throw new ConfigError('LOCAL_SIGN_IN', 'must be on or off', raw);
  if (raw === 'on' && withJwks) throw new ConfigError('LOCAL_SIGN_IN', 'cannot be on with JWT_JWKS_URL (sign in through the identity provider)', raw);
  return raw === undefined ? !withJwks : raw === 'on';
}

/**
 * The HS256 secret the embedded default signs and verifies tokens with: JWT_SECRET when set,
 * else one generated on first start and kept (mode 600) in the data folder, so that
 * `npm run token` and the server agree without any set-up.
 */
export function localJwtSecret(config: AppConfig): string {
  if (config.jwt.secret) return config.jwt.secret;
  const file = join(config.dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(file, 'utf8').trim();
}
