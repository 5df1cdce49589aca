import { Inject, Injectable, type OnModuleInit, type Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
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

/**
 * The conversation projection is a consumer of the node's one log reader (its own checkpoint,
 * led by one node at a time), added before the reader starts.
 */
@Injectable()
export class ConsolesLifecycle implements OnModuleInit {
  constructor(@Inject(ProjectionRunner) private readonly reader: ProjectionRunner) {}

  onModuleInit() {
    this.reader.add(sessionConversationProjection, 'read-model');
  }
}

/**
 * What the consoles need beyond the session read model: customers joining without an account
 * (INV-3, INV-4; credentials Tandem signs with its local secret) and each session's chat and
 * notes (TL-1, TL-6) from a projection of their own.
 */
export function consolesProviders(config: AppConfig): Provider[] {
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
      provide: CONVERSATION_READ_MODEL,
      inject: [DataSource, ProjectionRunner],
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
