import { connect } from 'node:net';
import type { AppConfig } from '../config/app-config.js';

/** One dependency that did not answer at start-up. */
export interface UnreachableDependency {
  /** `redis`, `smtp`, `eventstore` or `jwks`. */
  readonly dependency: string;
  /** Where it was looked for, without credentials. */
  readonly target: string;
  /** A short reason: an error code (ECONNREFUSED, ENOTFOUND, ETIMEDOUT) or an HTTP status. */
  readonly reason: string;
  /** False when Tandem can serve without it for a while (mail is queued and retried). */
  readonly required: boolean;
}

/**
 * Probes every configured outside dependency once, in parallel, each within `timeoutMs`
 * (issue 12: one clear line per unreachable dependency rather than client stack traces).
 * Redis, SMTP and EventStoreDB by a TCP connect to their host and port; JWKS by fetching it.
 */
export async function probeDependencies(config: AppConfig, env: Record<string, string | undefined>, timeoutMs = 3000): Promise<UnreachableDependency[]> {
  const probes: Promise<UnreachableDependency | undefined>[] = [];
  if (config.redisUrl) probes.push(tcp('redis', config.redisUrl, 6379, true, timeoutMs));
  const smtp = env.SMTP_URL?.trim();
  if (smtp) probes.push(tcp('smtp', smtp, smtp.startsWith('smtps:') ? 465 : 587, false, timeoutMs));
  if (config.eventstoreUrl) probes.push(tcp('eventstore', config.eventstoreUrl, 2113, true, timeoutMs));
  if (config.jwt.jwksUrl) probes.push(jwks(config.jwt.jwksUrl, timeoutMs));
  return (await Promise.all(probes)).filter((p): p is UnreachableDependency => p !== undefined);
}

/** `scheme://host:port` without user, password, path or query. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}`;
  } catch {
    return '<unparsable url>';
  }
}

function tcp(dependency: string, url: string, defaultPort: number, required: boolean, timeoutMs: number): Promise<UnreachableDependency | undefined> {
  let host: string;
  let port: number;
  try {
    const parsed = new URL(url);
    // esdb+discover://a:2113,b:2113 keeps only the first node in `hostname`.
    host = parsed.hostname.replace(/^\[|\]$/g, '') || 'localhost';
    port = Number(parsed.port) || defaultPort;
  } catch {
    return Promise.resolve({ dependency, target: '<unparsable url>', reason: 'invalid URL', required });
  }
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (reason?: string) => {
      socket.destroy();
      resolve(reason === undefined ? undefined : { dependency, target: redactUrl(url), reason, required });
    };
    socket.setTimeout(timeoutMs, () => done('ETIMEDOUT'));
    socket.once('connect', () => done());
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });
}

async function jwks(url: string, timeoutMs: number): Promise<UnreachableDependency | undefined> {
  const failed = (reason: string) => ({ dependency: 'jwks', target: redactUrl(url), reason, required: true });
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return failed(`HTTP ${response.status}`);
    const body = (await response.json()) as { keys?: unknown };
    return Array.isArray(body.keys) ? undefined : failed('no "keys" array in the response');
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return failed(cause?.code ?? ((error as Error).name === 'TimeoutError' ? 'ETIMEDOUT' : (error as Error).message));
  }
}
