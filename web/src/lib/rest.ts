/** A problem answer from the server (RFC 7807): `code` is stable and translated by the UI. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** JSON over REST to Tandem; throws ApiError with the server's code. */
export async function rest<T>(path: string, options: { method?: string; token?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(path, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  const data = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!res.ok) throw new ApiError(res.status, String(data.code ?? `HTTP_${res.status}`), String(data.detail ?? data.message ?? res.statusText));
  return data as T;
}

/** The claims of a JWT (not verified: the server verifies; the UI only reads who it is). */
export function claimsOf(token: string): { sub: string; name?: string; roles: string[]; flags?: Record<string, boolean>; exp?: number; tandem_session?: string } {
  const part = token.split('.')[1] ?? '';
  const json = decodeURIComponent(
    atob(part.replace(/-/g, '+').replace(/_/g, '/'))
      .split('')
      .map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
      .join(''),
  );
  return JSON.parse(json);
}
