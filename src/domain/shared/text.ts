/**
 * Text rules shared by every aggregate and every transport: the one place where characters are
 * counted and where text PostgreSQL cannot store is recognised.
 */

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * User-perceived characters (extended grapheme clusters, UAX #29) in `text`: a family emoji, a
 * flag, or a letter typed with a combining accent each count as one, as a person counts them.
 * Every limit a user sees (hand-over message Q-3, chat, notes, names) is counted with this.
 */
export function graphemeLength(text: string): number {
  // Fast path: plain text without surrogates or combining sequences counts one per code unit.
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  let count = 0;
  for (const _ of graphemes.segment(text)) count++;
  return count;
}

// Without the `u` flag a regular expression sees UTF-16 code units, so a lone half is visible.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why `text` cannot be stored as PostgreSQL `text`/`jsonb`, or undefined when it can: a NUL
 * (U+0000) or an unpaired UTF-16 surrogate (U+D800..U+DFFF alone).
 */
export function unstorableText(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'contains an unpaired UTF-16 surrogate';
  return undefined;
}

/**
 * The path (`a.b[2].c`) of the first string in `value` (keys included) that cannot be stored,
 * with the reason, or undefined when every string can. Walks at most `maxDepth` levels and
 * reports a deeper value as too deep, so a hostile value cannot exhaust the stack.
 */
export function findUnstorableText(value: unknown, path = '', maxDepth = 64): { path: string; reason: string } | undefined {
  if (typeof value === 'string') {
    const reason = unstorableText(value);
    return reason ? { path, reason } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (maxDepth <= 0) return { path, reason: 'is nested too deeply' };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableText(value[i], `${path}[${i}]`, maxDepth - 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, inner] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    const keyReason = unstorableText(key);
    if (keyReason) return { path: at, reason: `has a name that ${keyReason}` };
    const found = findUnstorableText(inner, at, maxDepth - 1);
    if (found) return found;
  }
  return undefined;
}
