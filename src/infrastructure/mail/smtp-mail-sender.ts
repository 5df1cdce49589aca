import nodemailer, { type Transporter } from 'nodemailer';
import type { RenderedMail } from '../../application/invitations/invitation-message.js';
import type { MailSender } from '../../application/invitations/invitation.ports.js';
import { ConfigError } from '../config/app-config.js';

/** SMTP_URL: smtp://[user:pass@]host[:port] (STARTTLS when offered) or smtps:// (TLS from the start). */
export function parseSmtpUrl(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('SMTP_URL', 'must be a URL (smtp:, smtps:)', '<hidden>');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new ConfigError('SMTP_URL', 'must use one of smtp:, smtps:', url.protocol);
  if (!url.hostname) throw new ConfigError('SMTP_URL', 'must name a host', url.protocol);
  return value;
}

/** Sends through nodemailer to one SMTP server: the real one, or the local mail catcher. */
export class SmtpMailSender implements MailSender {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    // Bounded waits: a hung server fails the attempt and BullMQ retries, instead of a job stuck for minutes.
    this.transport = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 15_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  }

  async send(mail: RenderedMail): Promise<{ messageId: string }> {
    const info = await this.transport.sendMail({ from: this.from, to: { name: '', address: mail.to }, subject: mail.subject, text: mail.text, html: mail.html });
    const rejected = info.rejected ?? [];
    if (rejected.length > 0) throw new Error(`the mail server refused ${rejected.map(String).join(', ')}`);
    return { messageId: String(info.messageId) };
  }

  close(): void {
    this.transport.close();
  }
}
