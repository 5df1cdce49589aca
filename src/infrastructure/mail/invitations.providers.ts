import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { DEV_MAILBOX, INVITATION_READ_MODEL } from '../../application/invitations/invitation.ports.js';
import { INVITATION_JOBS, InvitationsService } from '../../application/invitations/invitations.service.js';
import type { JobScheduler } from '../../application/jobs/job-scheduler.port.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { SessionService } from '../../application/sessions/session.service.js';
import { type AppConfig, localJwtSecret } from '../config/app-config.js';
import { JwtInvitationTokens } from '../identity/customer-credentials.js';
import { Metrics } from '../metrics/metrics.js';
import { BullMqJobScheduler } from '../jobs/bullmq-job-scheduler.js';
import { MailCatcher } from './mail-catcher.js';
import { invitationViewProjection, PgInvitationReadModel, PgSentMailLog } from './pg-invitations.js';
import { parseSmtpUrl, SmtpMailSender } from './smtp-mail-sender.js';

/** How long an emailed invitation's link may be exchanged (once) for a session credential. */
export const INVITATION_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

const MAIL_OUTLET = 'INVITATION_MAIL_OUTLET';
const MAIL_JOBS = 'INVITATION_MAIL_JOBS';

/** Where mail goes: SMTP_URL, or the embedded catcher (which then also backs GET /dev/mail). */
interface MailOutlet {
  readonly sender: SmtpMailSender;
  readonly catcher: MailCatcher | null;
}

/**
 * The invitation read model and the mail reaction are consumers of the node's one log reader
 * (added here, started with the reader); the mail job starts with the app and stops with it.
 */
@Injectable()
export class InvitationsLifecycle implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(MAIL_JOBS) private readonly jobs: JobScheduler,
    @Inject(ProjectionRunner) private readonly reader: ProjectionRunner,
    @Inject(InvitationsService) private readonly invitations: InvitationsService,
    @Inject(MAIL_OUTLET) private readonly outlet: MailOutlet,
  ) {}

  onModuleInit() {
    const invitations = this.invitations;
    this.reader.add(invitationViewProjection, 'read-model');
    // The side effect (STYLE 9): it only schedules the job, whose id is the event id.
    this.reader.add(
      {
        name: 'invitation_mail_reactions',
        handles: new Set(InvitationsService.REACTS_TO),
        apply: async (_tx, events) => {
          for (const event of events) await invitations.react(event);
        },
      },
      'reaction',
    );
  }

  async onApplicationBootstrap() {
    this.jobs.handle(INVITATION_JOBS.sendEmail, (data, run) => this.invitations.sendEmail(data, run));
    await this.jobs.start();
  }

  async onApplicationShutdown() {
    await this.jobs.close();
    this.outlet.sender.close();
    await this.outlet.catcher?.close();
  }
}

/**
 * Invitations that really go out (INV-1..3, SES-4). Mail goes to SMTP_URL (smtp:// or
 * smtps://, read from `env`); without it, to a mail catcher started here on a free 127.0.0.1
 * port that keeps each mail under `<DATA_DIR>/mail/`. MAIL_FROM sets the sender.
 */
export function invitationProviders(config: AppConfig, databaseUrl: string, env: Record<string, string | undefined> = process.env): Provider[] {
  const logger = new Logger('Invitations');
  const smtpUrl = parseSmtpUrl(env.SMTP_URL);
  const invitationTokens = new JwtInvitationTokens(localJwtSecret(config));
  const from = env.MAIL_FROM?.trim() || `Tandem <no-reply@${new URL(config.publicBaseUrl).hostname}>`;
  return [
    {
      provide: MAIL_OUTLET,
      useFactory: async (): Promise<MailOutlet> => {
        if (smtpUrl) return { sender: new SmtpMailSender(smtpUrl, from), catcher: null };
        const catcher = new MailCatcher(join(config.dataDir, 'mail'));
        await catcher.start();
        logger.warn(`SMTP_URL is not set: invitation mail is caught at ${catcher.url} and kept in ${join(config.dataDir, 'mail')}, not delivered (GET /dev/mail)`);
        return { sender: new SmtpMailSender(catcher.url, from), catcher };
      },
    },
    { provide: DEV_MAILBOX, inject: [MAIL_OUTLET], useFactory: (outlet: MailOutlet) => outlet.catcher },
    {
      // A queue of its own: a mail server that is down slows no WebACD timer.
      provide: MAIL_JOBS,
      inject: [Metrics],
      useFactory: (metrics: Metrics) =>
        new BullMqJobScheduler(config.redisUrl ? { kind: 'redis', url: config.redisUrl } : { kind: 'postgres', url: databaseUrl }, {
          queueName: 'tandem-mail',
          concurrency: 5,
          onFailure: (name, error) => logger.warn({ err: error, job: name }, 'mail job failed; it will be retried'),
          onOutcome: (queue, name, outcome) => metrics.jobs.inc({ queue, name, outcome }),
        }),
    },
    { provide: INVITATION_READ_MODEL, inject: [DataSource], useFactory: (dataSource: DataSource) => new PgInvitationReadModel(dataSource) },
    {
      provide: InvitationsService,
      inject: [MAIL_JOBS, INVITATION_READ_MODEL, DataSource, MAIL_OUTLET, SessionService, ProjectionRunner],
      useFactory: (jobs: JobScheduler, read: PgInvitationReadModel, dataSource: DataSource, outlet: MailOutlet, sessions: SessionService, view: ProjectionRunner) =>
        new InvitationsService(jobs, read, new PgSentMailLog(dataSource), outlet.sender, sessions, {
          maxInvitationAgeMs: 24 * 3_600_000,
          caughtUp: () => view.caughtUp(),
          // The token rides in the fragment: browsers never send it to a server or a log.
          customerLink: async (f) => `${f.joinLink}#invitation=${await invitationTokens.mint(f.sessionId, f.invitationId, INVITATION_TOKEN_TTL_SECONDS)}`,
          log: (level, message, details) => logger[level === 'info' ? 'log' : 'warn'](details ?? {}, message),
        }),
    },
    InvitationsLifecycle,
  ];
}
