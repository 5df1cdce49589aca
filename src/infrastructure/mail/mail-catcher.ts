import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { CaughtMail, CaughtMailSummary, DevMailbox } from '../../application/invitations/invitation.ports.js';
import { simpleParser } from 'mailparser';

const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
const ID = /^[0-9a-z-]{1,80}$/;

/**
 * The embedded default when no SMTP_URL is set: a real SMTP server on a free 127.0.0.1 port
 * that keeps every mail it receives as `<dir>/<id>.eml` and lists it in `<dir>/index.jsonl`.
 * The app sends to it over SMTP exactly as it would to a real server, so development and the
 * tests run the production code path; nothing leaves the machine.
 */
export class MailCatcher implements DevMailbox {
  private readonly index: CaughtMailSummary[] = [];
  private server?: SMTPServer;
  private port?: number;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dir: string,
    /** 0: any free port. */
    private readonly listenPort = 0,
  ) {}

  /** smtp://127.0.0.1:<port> once started. */
  get url(): string {
    if (this.port === undefined) throw new Error('the mail catcher is not started');
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await this.loadIndex();
    const server = new SMTPServer({
      secure: false,
      authOptional: true,
      // Plain local SMTP: no TLS to negotiate, no login to offer.
      disabledCommands: ['STARTTLS', 'AUTH'],
      size: MAX_MESSAGE_BYTES,
      logger: false,
      banner: 'Tandem mail catcher (development): mail is stored, not delivered',
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', (error) => callback(error));
        stream.on('end', () => {
          if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
            callback(Object.assign(new Error('message too large'), { responseCode: 552 }));
            return;
          }
          const to = session.envelope.rcptTo.map((r) => r.address);
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : null;
          this.store(Buffer.concat(chunks), to, from).then(
            () => callback(),
            (error: Error) => callback(error),
          );
        });
      },
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.listenPort, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await this.writes.catch(() => undefined);
  }

  /** Newest first. */
  async list(): Promise<CaughtMailSummary[]> {
    return [...this.index].reverse();
  }

  async get(id: string): Promise<CaughtMail | undefined> {
    const summary = ID.test(id) ? this.index.find((m) => m.id === id) : undefined;
    if (!summary) return undefined;
    const message = await readFile(join(this.dir, `${id}.eml`));
    const mail = await simpleParser(message);
    return { ...summary, text: mail.text ?? '', html: mail.html || null, raw: message.toString('latin1') };
  }

  private async store(message: Buffer, to: string[], envelopeFrom: string | null): Promise<void> {
    const id = `${Date.now().toString(36)}-${randomUUID()}`;
    const mail = await simpleParser(message);
    const summary: CaughtMailSummary = { id, to, from: mail.from?.text || envelopeFrom, subject: mail.subject ?? '', date: new Date().toISOString() };
    // One write at a time, so the index lines never interleave.
    const write = this.writes.then(async () => {
      await writeFile(join(this.dir, `${id}.eml`), message);
      await appendFile(join(this.dir, 'index.jsonl'), `${JSON.stringify(summary)}\n`);
    });
    this.writes = write.catch(() => undefined);
    await write;
    this.index.push(summary);
  }

  private async loadIndex(): Promise<void> {
    const file = join(this.dir, 'index.jsonl');
    if (!existsSync(file)) return;
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      if (!line.trim()) continue;
      try {
        this.index.push(JSON.parse(line) as CaughtMailSummary);
      } catch {
        // A line cut short by a crash: the mail before it are still listed.
      }
    }
  }
}
