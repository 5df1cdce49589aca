import type { TFunction } from 'i18next';
import { ApiError } from '../lib/rest';

/** The server's error code in the user's language (STYLE: the server decides, the UI translates). */
export function errorText(t: TFunction, error: unknown): string {
  const code =
    error instanceof ApiError
      ? error.code
      : ((error as { errors?: { extensions?: { code?: string } }[] })?.errors?.[0]?.extensions?.code ??
        (error as { graphQLErrors?: { extensions?: { code?: string } }[] })?.graphQLErrors?.[0]?.extensions?.code);
  const message = (error as Error)?.message ?? String(error);
  return code && t(`errors.${code}`, { defaultValue: '' }) ? t(`errors.${code}`) : t('errors.generic', { message });
}
