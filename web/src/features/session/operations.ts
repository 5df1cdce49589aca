import { graphql } from '../../gql';

/** What every console shows of a session (the customer's page and the CSR's alike). */
export const SESSION_FIELDS = graphql(`
  fragment SessionFields on Session {
    id
    number
    status
    kind
    mode
    controllerId
    activeCustomerId
    displayMode
    joinLink
    version
    endReason
    participants {
      userId
      place
      displayName
    }
    undeliveredInvitations {
      invitationId
      address
      reason
    }
    activities {
      chatOpen
      shares {
        shareId
        kind
        mode
        customerId
        status
        applicationName
      }
      recording {
        recordingId
        automatic
      }
      fileTransfers {
        transferId
        customerId
        status
      }
    }
  }
`);

export const SESSION = graphql(`
  query Session($id: ID!, $after: String) {
    session(id: $id, after: $after) {
      ...SessionFields
    }
  }
`);

/**
 * How often a console re-reads its session besides the subscription (ms): a change that lands
 * between the first read and the subscription's start is not pushed, and must not be missed.
 */
export const SESSION_POLL_MS = 3000;

export const SESSION_CHANGED = graphql(`
  subscription SessionChanged($id: ID!) {
    sessionChanged(id: $id) {
      ...SessionFields
    }
  }
`);

export const CHAT = graphql(`
  query Chat($sessionId: ID!, $after: Int!) {
    chatMessages(sessionId: $sessionId, after: $after, limit: 200) {
      hasMore
      items {
        seq
        messageId
        from
        to
        text
        sentAt
      }
    }
  }
`);

export const SEND_CHAT = graphql(`
  mutation SendChat($id: ID!, $text: String!, $to: String) {
    sendChatMessage(id: $id, text: $text, to: $to) {
      ...SessionFields
    }
  }
`);

export const APPROVE_SHARE = graphql(`
  mutation ApproveShare($id: ID!, $shareId: String!) {
    approveShare(id: $id, shareId: $shareId) {
      ...SessionFields
    }
  }
`);

export const DECLINE_SHARE = graphql(`
  mutation DeclineShare($id: ID!, $shareId: String!) {
    declineShare(id: $id, shareId: $shareId) {
      ...SessionFields
    }
  }
`);

export const END_SHARE = graphql(`
  mutation EndShare($id: ID!, $shareId: String!) {
    endShare(id: $id, shareId: $shareId) {
      ...SessionFields
    }
  }
`);

export const LEAVE = graphql(`
  mutation Leave($id: ID!) {
    leaveSession(id: $id) {
      id
      status
    }
  }
`);

export const MY_SESSIONS = graphql(`
  query MySessions {
    mySessions(status: "active", limit: 50) {
      ...SessionFields
      startedAt
    }
  }
`);

export const START_SESSION = graphql(`
  mutation StartSession($invitations: [InvitationInput!]) {
    startSession(invitations: $invitations) {
      ...SessionFields
      consistencyToken
    }
  }
`);

export const REQUEST_SHARE = graphql(`
  mutation RequestShare($id: ID!, $kind: ShareKind!, $mode: ShareMode!) {
    requestShare(id: $id, kind: $kind, mode: $mode) {
      ...SessionFields
    }
  }
`);

export const SELECT_CUSTOMER = graphql(`
  mutation SelectCustomer($id: ID!, $customerId: String!) {
    selectActiveCustomer(id: $id, customerId: $customerId) {
      ...SessionFields
    }
  }
`);

export const TRANSFER_CONTROL = graphql(`
  mutation TransferControl($id: ID!, $toUserId: String!) {
    transferControl(id: $id, toUserId: $toUserId) {
      ...SessionFields
    }
  }
`);

export const HAND_TO_QUEUE = graphql(`
  mutation HandToQueue($id: ID!, $queueId: String, $agentIds: [String!], $message: String) {
    handToQueue(id: $id, queueId: $queueId, agentIds: $agentIds, message: $message) {
      ...SessionFields
    }
  }
`);

export const END_SESSION = graphql(`
  mutation EndSession($id: ID!) {
    endSession(id: $id) {
      ...SessionFields
    }
  }
`);

export const SAVE_NOTE = graphql(`
  mutation SaveNote($id: ID!, $text: String!) {
    saveNote(id: $id, text: $text) {
      ...SessionFields
    }
  }
`);

export const NOTES = graphql(`
  query Notes($sessionId: ID!) {
    sessionNotes(sessionId: $sessionId) {
      seq
      noteId
      by
      text
      savedAt
    }
  }
`);

export const RECORDING = graphql(`
  mutation StartRecording($id: ID!) {
    startRecording(id: $id) {
      ...SessionFields
    }
  }
`);

export const STOP_RECORDING = graphql(`
  mutation StopRecording($id: ID!) {
    stopRecording(id: $id) {
      ...SessionFields
    }
  }
`);

export const DISPLAY_MODE = graphql(`
  mutation DisplayMode($id: ID!, $mode: DisplayMode!) {
    changeDisplayMode(id: $id, mode: $mode) {
      ...SessionFields
    }
  }
`);

export const HEARTBEAT = graphql(`
  mutation Heartbeat($sessionId: ID!) {
    consoleHeartbeat(sessionId: $sessionId)
  }
`);

export const QUEUES = graphql(`
  query Queues {
    queues {
      id
      name
      status
    }
  }
`);

export const INVITE = graphql(`
  mutation Invite($id: ID!, $invitations: [InvitationInput!]!) {
    inviteParticipants(id: $id, invitations: $invitations) {
      ...SessionFields
    }
  }
`);

/** CON-1: the console the admin chose for this CSR, and whether they may run several sessions. */
export const MY_CONSOLE = graphql(`
  query MyConsole {
    whoami {
      userId
      consoleType
      sessionMode
    }
  }
`);

export const INVITATIONS = graphql(`
  query SessionInvitations($id: ID!) {
    session(id: $id) {
      id
      invitations {
        invitationId
        invitee
        channel
        delivery
        address
        sentAt
        mailedAt
        redeemedAt
      }
    }
  }
`);
