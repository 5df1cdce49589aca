import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore } from '../application/event-store/event-store.port.js';
import { PEOPLE } from '../application/identity/people.port.js';
import { ProjectionRunner } from './projections/projection-runner.js';
import { CONVERSATION_READ_MODEL } from '../application/sessions/conversation.port.js';
import { CustomerAccessService } from '../application/sessions/customer-access.service.js';
import { SessionService } from '../application/sessions/session.service.js';
import { type AppConfig, localJwtSecret } from './config/app-config.js';
import { JwtInvitationTokens, LocalCustomerCredentialIssuer, PgInvitationRedemptions } from './identity/customer-credentials.js';
import { TokenVerifier } from './identity/jwt.js';
import { PeopleDirectory } from './identity/people-directory.js';
import { PgConversationReadModel, sessionConversationProjection } from './persistence/session-conversation.js';

const CONVERSATION_RUNNER = 'CONVERSATION_RUNNER';

/** The conversation projection starts with the app and stops with it. */
@Injectable()
export class ConsolesLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(CONVERSATION_RUNNER) private readonly runner: ProjectionRunner) {}

  async onApplicationBootstrap() {
    await this.runner.start();
  }

  async onApplicationShutdown() {
    await this.runner.stop();
  }
}

/**
 * What the consoles need beyond the session read model: customers joining without an account
 * (INV-3, INV-4; credentials Tandem signs with its local secret) and each session's chat and
 * notes (TL-1, TL-6) from a projection of their own.
 */
export function consolesProviders(config: AppConfig): Provider[] {
  const logger = new Logger('Consoles');
  return [
    {
      provide: CustomerAccessService,
      inject: [SessionService, DataSource],
      useFactory: (sessions: SessionService, dataSource: DataSource) => {
        const secret = localJwtSecret(config);
        return new CustomerAccessService(sessions, new LocalCustomerCredentialIssuer(secret), new JwtInvitationTokens(secret), new PgInvitationRedemptions(dataSource), {
          credentialTtlSeconds: config.customerJoin.credentialTtlSeconds,
        });
      },
    },
    {
      provide: CONVERSATION_RUNNER,
      inject: [EVENT_STORE, DataSource],
      useFactory: (store: EventStore, dataSource: DataSource) =>
        new ProjectionRunner(store, dataSource, [sessionConversationProjection], (message, error) => logger.error({ err: error }, message)),
    },
    {
      provide: CONVERSATION_READ_MODEL,
      inject: [DataSource, CONVERSATION_RUNNER],
      useFactory: (dataSource: DataSource, runner: ProjectionRunner) => new PgConversationReadModel(dataSource, runner),
    },
    {
      provide: PeopleDirectory,
      inject: [DataSource, TokenVerifier],
      useFactory: (dataSource: DataSource, verifier: TokenVerifier) => {
        const people = new PeopleDirectory(dataSource);
        verifier.onVerified((principal) => people.remember(principal));
        return people;
      },
    },
    { provide: PEOPLE, useExisting: PeopleDirectory },
    ConsolesLifecycle,
  ];
}
