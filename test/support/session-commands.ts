import { REST_COMMANDS, SESSION_COMMANDS, type SessionCommandName } from '../../src/api/sessions/session.types.js';

/** Every session command with a REST route (all but StartSession and JoinSession). */
export const ALL_TYPES = Object.keys(SESSION_COMMANDS) as SessionCommandName[];

/** The REST name of a command: `SendChatMessage` -> `send-chat-message`. */
export const restName = (type: SessionCommandName) => [...REST_COMMANDS].find(([, v]) => v === type)![0];

/** A valid body for each command type: what a participant would send. */
export function bodyFor(type: SessionCommandName, ids: { customer: string; helper: string; shareId: string; transferId: string }): Record<string, unknown> {
  switch (type) {
    case 'InviteParticipants':
      return { invitations: [{ invitee: 'customer', channel: 'phone', address: '+15550100' }] };
    case 'SelectActiveCustomer':
      return { customerId: ids.customer };
    case 'TransferControl':
      return { toUserId: ids.helper };
    case 'HandToQueue':
      return { queueId: 'some-queue' };
    case 'RequestShare':
      return { kind: 'desktop', mode: 'view' };
    case 'ApproveShare':
    case 'DeclineShare':
    case 'EndShare':
      return { shareId: ids.shareId };
    case 'ApproveFileTransfer':
    case 'DeclineFileTransfer':
    case 'EndFileTransfer':
      return { transferId: ids.transferId };
    case 'SendChatMessage':
      return { text: 'hello' };
    case 'PublishFile':
      return { fileName: 'manual.pdf' };
    case 'StartVideo':
      return { cameraAvailable: true };
    case 'StartVoiceCall':
      return { withUserId: ids.customer };
    case 'SaveNote':
      return { text: 'a note' };
    case 'ChangeDisplayMode':
      return { mode: 'screen_sampling' };
    default:
      return {};
  }
}
