/**
 * Just enough of MIME (RFC 2045-2047) to show a caught mail: headers with encoded words,
 * multipart bodies, base64 and quoted-printable parts in any charset TextDecoder knows.
 * The catcher only ever reads mail our own nodemailer wrote; a full parser would be overkill.
 */
export interface ReadMail {
  readonly headers: ReadonlyMap<string, string>;
  readonly subject: string;
  readonly from: string | null;
  readonly text: string;
  readonly html: string | null;
}

interface Part {
  readonly headers: Map<string, string>;
  readonly body: string;
}

export function readMail(raw: string): ReadMail {
  const root = splitPart(raw);
  const leaves = flatten(root);
  const text = leaves.find((p) => mediaType(p) === 'text/plain');
  const html = leaves.find((p) => mediaType(p) === 'text/html');
  return {
    headers: root.headers,
    subject: decodeWords(root.headers.get('subject') ?? ''),
    from: root.headers.has('from') ? decodeWords(root.headers.get('from')!) : null,
    text: text ? decodeBody(text) : '',
    html: html ? decodeBody(html) : null,
  };
}

function splitPart(raw: string): Part {
  const normalized = raw.replace(/\r\n/g, '\n');
  const end = normalized.indexOf('\n\n');
  const head = end === -1 ? normalized : normalized.slice(0, end);
  const body = end === -1 ? '' : normalized.slice(end + 2);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function flatten(part: Part): Part[] {
  const type = mediaType(part);
  if (!type.startsWith('multipart/')) return [part];
  const boundary = param(part.headers.get('content-type') ?? '', 'boundary');
  if (!boundary) return [part];
  const delimiter = `--${boundary}`;
  return part.body
    .split(delimiter)
    .slice(1)
    .filter((chunk) => !chunk.startsWith('--'))
    .map((chunk) => splitPart(chunk.replace(/^\n/, '')))
    .flatMap(flatten);
}

function mediaType(part: Part): string {
  return (part.headers.get('content-type') ?? 'text/plain').split(';')[0]!.trim().toLowerCase();
}

function param(header: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}\\s*=\\s*("([^"]*)"|[^;\\s]+)`, 'i').exec(header);
  return match ? (match[2] ?? match[1]) : undefined;
}

function decodeBody(part: Part): string {
  const encoding = (part.headers.get('content-transfer-encoding') ?? '7bit').trim().toLowerCase();
  const charset = param(part.headers.get('content-type') ?? '', 'charset') ?? 'utf-8';
  let bytes: Buffer;
  if (encoding === 'base64') bytes = Buffer.from(part.body.replace(/\s+/g, ''), 'base64');
  else if (encoding === 'quoted-printable') bytes = quotedPrintable(part.body);
  else bytes = Buffer.from(part.body, 'latin1');
  return decodeCharset(bytes, charset).replace(/\n$/, '');
}

function quotedPrintable(body: string): Buffer {
  const soft = body.replace(/=\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const c = soft[i]!;
    const hex = soft.slice(i + 1, i + 3);
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'latin1'));
    }
  }
  return Buffer.from(bytes);
}

function decodeCharset(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

/** RFC 2047 encoded words: =?charset?B|Q?text?= (adjacent words join without the space between). */
export function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[bBqQ]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_all, charset: string, kind: string, text: string) => {
      const bytes =
        kind.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
      return decodeCharset(bytes, charset.split('*')[0]!);
    });
}
