import type { Provider, Type } from '@nestjs/common';
import { DevMailController, InvitationsController, InvitationsResolver, SessionInvitationsResolver } from './invitations.api.js';

/** The invitations API (INV-1..3) and the dev mail inbox, registered by AppModule. */
export const INVITATIONS_API: { controllers: Type[]; providers: Provider[] } = {
  controllers: [InvitationsController, DevMailController],
  providers: [InvitationsResolver, SessionInvitationsResolver],
};
