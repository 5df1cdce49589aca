/**
 * File names as people send them are not safe to store or to hand back in a header: this keeps
 * the last path segment, drops control and reserved characters (NUL, `/ \ : * ? " < > |`),
 * bidi overrides and leading dots, normalises to NFC and cuts to 255 UTF-8 bytes (keeping the
 * extension). What is left empty becomes `file`.
 */
export function sanitizeFileName(raw: string): string {
  const lastSegment = raw.split(/[\\/]/).pop() ?? '';
  let name = lastSegment
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f<>:"|?*\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/[\ud800-\udfff]/g, (c, i: number, s: string) => (isPaired(s, i) ? c : ''))
    .trim()
    .replace(/^\.+/, '')
    .trim();
  if (!name) return 'file';
  if (Buffer.byteLength(name, 'utf8') > 255) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    let stem = [...name.slice(0, name.length - ext.length)];
    while (stem.length > 0 && Buffer.byteLength(stem.join('') + ext, 'utf8') > 255) stem = stem.slice(0, -1);
    name = stem.join('') + ext;
  }
  return name || 'file';
}

function isPaired(s: string, i: number): boolean {
  const code = s.charCodeAt(i);
  if (code >= 0xd800 && code <= 0xdbff) {
    const next = s.charCodeAt(i + 1);
    return next >= 0xdc00 && next <= 0xdfff;
  }
  const prev = s.charCodeAt(i - 1);
  return prev >= 0xd800 && prev <= 0xdbff;
}

/** `Content-Disposition: attachment` with an ASCII fallback and the UTF-8 name (RFC 6266, RFC 8187). */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
