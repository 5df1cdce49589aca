/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation RequestFileTransfer($id: ID!) {\n    requestFileTransfer(id: $id) {\n      ...SessionFields\n    }\n  }\n": typeof types.RequestFileTransferDocument,
    "\n  mutation ApproveFileTransfer($id: ID!, $transferId: String!) {\n    approveFileTransfer(id: $id, transferId: $transferId) {\n      ...SessionFields\n    }\n  }\n": typeof types.ApproveFileTransferDocument,
    "\n  mutation DeclineFileTransfer($id: ID!, $transferId: String!) {\n    declineFileTransfer(id: $id, transferId: $transferId) {\n      ...SessionFields\n    }\n  }\n": typeof types.DeclineFileTransferDocument,
    "\n  mutation EndFileTransfer($id: ID!, $transferId: String!) {\n    endFileTransfer(id: $id, transferId: $transferId) {\n      ...SessionFields\n    }\n  }\n": typeof types.EndFileTransferDocument,
    "\n  query MyOffers {\n    myOffers {\n      offerId\n      queueId\n      queueName\n      itemId\n      kind\n      message\n      customerName\n      problem\n      sessionId\n      expiresAt\n    }\n    queues {\n      id\n      name\n      agents {\n        agentId\n        available\n      }\n    }\n  }\n": typeof types.MyOffersDocument,
    "\n  mutation AcceptOffer($queueId: ID!, $offerId: String!) {\n    acceptOffer(queueId: $queueId, offerId: $offerId) {\n      id\n      consistencyToken\n    }\n  }\n": typeof types.AcceptOfferDocument,
    "\n  mutation DeclineOffer($queueId: ID!, $offerId: String!) {\n    declineOffer(queueId: $queueId, offerId: $offerId)\n  }\n": typeof types.DeclineOfferDocument,
    "\n  mutation Availability($queueId: ID!, $available: Boolean!) {\n    setAgentAvailability(queueId: $queueId, available: $available) {\n      id\n      agents {\n        agentId\n        available\n      }\n    }\n  }\n": typeof types.AvailabilityDocument,
    "\n  query SupervisedSessions($status: String, $csrId: String, $customerId: String, $queueId: String, $from: DateTime, $to: DateTime, $offset: Int!) {\n    sessions(status: $status, csrId: $csrId, customerId: $customerId, queueId: $queueId, from: $from, to: $to, offset: $offset, limit: 50) {\n      total\n      items {\n        id\n        number\n        status\n        kind\n        controllerId\n        startedAt\n        endedAt\n        participants {\n          userId\n          place\n          displayName\n        }\n      }\n    }\n  }\n": typeof types.SupervisedSessionsDocument,
    "\n  query FilterQueues {\n    queues {\n      id\n      name\n      status\n    }\n  }\n": typeof types.FilterQueuesDocument,
    "\n  query SessionHistory($id: ID!) {\n    sessionHistory(id: $id, limit: 1000) {\n      total\n      chain {\n        intact\n        events\n        brokenAt {\n          id\n          version\n          reason\n        }\n      }\n      items {\n        id\n        version\n        type\n        at\n        by\n        dataJson\n        stateJson\n      }\n    }\n  }\n": typeof types.SessionHistoryDocument,
    "\n  query Activity($from: String!, $to: String!, $csrId: String, $queueId: String) {\n    csrActivityReport(from: $from, to: $to, csrId: $csrId, queueId: $queueId) {\n      csrId\n      sessions\n      inboundSessions\n      outboundSessions\n      customersHelped\n      handleTimeTotalMs\n      handleTimeAverageMs\n      transfersGiven\n      transfersReceived\n      handOvers\n      recordings\n      notes {\n        text\n      }\n    }\n  }\n": typeof types.ActivityDocument,
    "\n  mutation RequestExport($from: String!, $to: String!, $csrId: String, $queueId: String) {\n    requestActivityExport(from: $from, to: $to, csrId: $csrId, queueId: $queueId, format: \"csv\")\n  }\n": typeof types.RequestExportDocument,
    "\n  query ExportStatus($id: ID!) {\n    reportExport(id: $id) {\n      id\n      status\n      progress\n      error\n    }\n  }\n": typeof types.ExportStatusDocument,
    "\n  fragment SessionFields on Session {\n    id\n    number\n    status\n    kind\n    mode\n    controllerId\n    activeCustomerId\n    displayMode\n    joinLink\n    version\n    endReason\n    participants {\n      userId\n      place\n      displayName\n    }\n    undeliveredInvitations {\n      invitationId\n      address\n      reason\n    }\n    activities {\n      chatOpen\n      shares {\n        shareId\n        kind\n        mode\n        customerId\n        status\n        applicationName\n      }\n      recording {\n        recordingId\n        automatic\n      }\n      fileTransfers {\n        transferId\n        customerId\n        status\n      }\n    }\n  }\n": typeof types.SessionFieldsFragmentDoc,
    "\n  query Session($id: ID!, $after: String) {\n    session(id: $id, after: $after) {\n      ...SessionFields\n    }\n  }\n": typeof types.SessionDocument,
    "\n  subscription SessionChanged($id: ID!) {\n    sessionChanged(id: $id) {\n      ...SessionFields\n    }\n  }\n": typeof types.SessionChangedDocument,
    "\n  query Chat($sessionId: ID!, $after: Int!) {\n    chatMessages(sessionId: $sessionId, after: $after, limit: 200) {\n      hasMore\n      items {\n        seq\n        messageId\n        from\n        to\n        text\n        sentAt\n      }\n    }\n  }\n": typeof types.ChatDocument,
    "\n  mutation SendChat($id: ID!, $text: String!, $to: String) {\n    sendChatMessage(id: $id, text: $text, to: $to) {\n      ...SessionFields\n    }\n  }\n": typeof types.SendChatDocument,
    "\n  mutation ApproveShare($id: ID!, $shareId: String!) {\n    approveShare(id: $id, shareId: $shareId) {\n      ...SessionFields\n    }\n  }\n": typeof types.ApproveShareDocument,
    "\n  mutation DeclineShare($id: ID!, $shareId: String!) {\n    declineShare(id: $id, shareId: $shareId) {\n      ...SessionFields\n    }\n  }\n": typeof types.DeclineShareDocument,
    "\n  mutation EndShare($id: ID!, $shareId: String!) {\n    endShare(id: $id, shareId: $shareId) {\n      ...SessionFields\n    }\n  }\n": typeof types.EndShareDocument,
    "\n  mutation Leave($id: ID!) {\n    leaveSession(id: $id) {\n      id\n      status\n    }\n  }\n": typeof types.LeaveDocument,
    "\n  query MySessions {\n    mySessions(status: \"active\", limit: 50) {\n      ...SessionFields\n      startedAt\n    }\n  }\n": typeof types.MySessionsDocument,
    "\n  mutation StartSession($invitations: [InvitationInput!]) {\n    startSession(invitations: $invitations) {\n      ...SessionFields\n      consistencyToken\n    }\n  }\n": typeof types.StartSessionDocument,
    "\n  mutation RequestShare($id: ID!, $kind: ShareKind!, $mode: ShareMode!) {\n    requestShare(id: $id, kind: $kind, mode: $mode) {\n      ...SessionFields\n    }\n  }\n": typeof types.RequestShareDocument,
    "\n  mutation SelectCustomer($id: ID!, $customerId: String!) {\n    selectActiveCustomer(id: $id, customerId: $customerId) {\n      ...SessionFields\n    }\n  }\n": typeof types.SelectCustomerDocument,
    "\n  mutation TransferControl($id: ID!, $toUserId: String!) {\n    transferControl(id: $id, toUserId: $toUserId) {\n      ...SessionFields\n    }\n  }\n": typeof types.TransferControlDocument,
    "\n  mutation HandToQueue($id: ID!, $queueId: String, $agentIds: [String!], $message: String) {\n    handToQueue(id: $id, queueId: $queueId, agentIds: $agentIds, message: $message) {\n      ...SessionFields\n    }\n  }\n": typeof types.HandToQueueDocument,
    "\n  mutation EndSession($id: ID!) {\n    endSession(id: $id) {\n      ...SessionFields\n    }\n  }\n": typeof types.EndSessionDocument,
    "\n  mutation SaveNote($id: ID!, $text: String!) {\n    saveNote(id: $id, text: $text) {\n      ...SessionFields\n    }\n  }\n": typeof types.SaveNoteDocument,
    "\n  query Notes($sessionId: ID!) {\n    sessionNotes(sessionId: $sessionId) {\n      seq\n      noteId\n      by\n      text\n      savedAt\n    }\n  }\n": typeof types.NotesDocument,
    "\n  mutation StartRecording($id: ID!) {\n    startRecording(id: $id) {\n      ...SessionFields\n    }\n  }\n": typeof types.StartRecordingDocument,
    "\n  mutation StopRecording($id: ID!) {\n    stopRecording(id: $id) {\n      ...SessionFields\n    }\n  }\n": typeof types.StopRecordingDocument,
    "\n  mutation DisplayMode($id: ID!, $mode: DisplayMode!) {\n    changeDisplayMode(id: $id, mode: $mode) {\n      ...SessionFields\n    }\n  }\n": typeof types.DisplayModeDocument,
    "\n  mutation Heartbeat($sessionId: ID!) {\n    consoleHeartbeat(sessionId: $sessionId)\n  }\n": typeof types.HeartbeatDocument,
    "\n  query Queues {\n    queues {\n      id\n      name\n      status\n    }\n  }\n": typeof types.QueuesDocument,
    "\n  mutation Invite($id: ID!, $invitations: [InvitationInput!]!) {\n    inviteParticipants(id: $id, invitations: $invitations) {\n      ...SessionFields\n    }\n  }\n": typeof types.InviteDocument,
    "\n  query MyConsole {\n    whoami {\n      userId\n      consoleType\n      sessionMode\n    }\n  }\n": typeof types.MyConsoleDocument,
    "\n  query SessionInvitations($id: ID!) {\n    session(id: $id) {\n      id\n      invitations {\n        invitationId\n        invitee\n        channel\n        delivery\n        address\n        sentAt\n        mailedAt\n        redeemedAt\n      }\n    }\n  }\n": typeof types.SessionInvitationsDocument,
};
const documents: Documents = {
    "\n  mutation RequestFileTransfer($id: ID!) {\n    requestFileTransfer(id: $id) {\n      ...SessionFields\n    }\n  }\n": types.RequestFileTransferDocument,
    "\n  mutation ApproveFileTransfer($id: ID!, $transferId: String!) {\n    approveFileTransfer(id: $id, transferId: $transferId) {\n      ...SessionFields\n    }\n  }\n": types.ApproveFileTransferDocument,
    "\n  mutation DeclineFileTransfer($id: ID!, $transferId: String!) {\n    declineFileTransfer(id: $id, transferId: $transferId) {\n      ...SessionFields\n    }\n  }\n": types.DeclineFileTransferDocument,
    "\n  mutation EndFileTransfer($id: ID!, $transferId: String!) {\n    endFileTransfer(id: $id, transferId: $transferId) {\n      ...SessionFields\n    }\n  }\n": types.EndFileTransferDocument,
    "\n  query MyOffers {\n    myOffers {\n      offerId\n      queueId\n      queueName\n      itemId\n      kind\n      message\n      customerName\n      problem\n      sessionId\n      expiresAt\n    }\n    queues {\n      id\n      name\n      agents {\n        agentId\n        available\n      }\n    }\n  }\n": types.MyOffersDocument,
    "\n  mutation AcceptOffer($queueId: ID!, $offerId: String!) {\n    acceptOffer(queueId: $queueId, offerId: $offerId) {\n      id\n      consistencyToken\n    }\n  }\n": types.AcceptOfferDocument,
    "\n  mutation DeclineOffer($queueId: ID!, $offerId: String!) {\n    declineOffer(queueId: $queueId, offerId: $offerId)\n  }\n": types.DeclineOfferDocument,
    "\n  mutation Availability($queueId: ID!, $available: Boolean!) {\n    setAgentAvailability(queueId: $queueId, available: $available) {\n      id\n      agents {\n        agentId\n        available\n      }\n    }\n  }\n": types.AvailabilityDocument,
    "\n  query SupervisedSessions($status: String, $csrId: String, $customerId: String, $queueId: String, $from: DateTime, $to: DateTime, $offset: Int!) {\n    sessions(status: $status, csrId: $csrId, customerId: $customerId, queueId: $queueId, from: $from, to: $to, offset: $offset, limit: 50) {\n      total\n      items {\n        id\n        number\n        status\n        kind\n        controllerId\n        startedAt\n        endedAt\n        participants {\n          userId\n          place\n          displayName\n        }\n      }\n    }\n  }\n": types.SupervisedSessionsDocument,
    "\n  query FilterQueues {\n    queues {\n      id\n      name\n      status\n    }\n  }\n": types.FilterQueuesDocument,
    "\n  query SessionHistory($id: ID!) {\n    sessionHistory(id: $id, limit: 1000) {\n      total\n      chain {\n        intact\n        events\n        brokenAt {\n          id\n          version\n          reason\n        }\n      }\n      items {\n        id\n        version\n        type\n        at\n        by\n        dataJson\n        stateJson\n      }\n    }\n  }\n": types.SessionHistoryDocument,
    "\n  query Activity($from: String!, $to: String!, $csrId: String, $queueId: String) {\n    csrActivityReport(from: $from, to: $to, csrId: $csrId, queueId: $queueId) {\n      csrId\n      sessions\n      inboundSessions\n      outboundSessions\n      customersHelped\n      handleTimeTotalMs\n      handleTimeAverageMs\n      transfersGiven\n      transfersReceived\n      handOvers\n      recordings\n      notes {\n        text\n      }\n    }\n  }\n": types.ActivityDocument,
    "\n  mutation RequestExport($from: String!, $to: String!, $csrId: String, $queueId: String) {\n    requestActivityExport(from: $from, to: $to, csrId: $csrId, queueId: $queueId, format: \"csv\")\n  }\n": types.RequestExportDocument,
    "\n  query ExportStatus($id: ID!) {\n    reportExport(id: $id) {\n      id\n      status\n      progress\n      error\n    }\n  }\n": types.ExportStatusDocument,
    "\n  fragment SessionFields on Session {\n    id\n    number\n    status\n    kind\n    mode\n    controllerId\n    activeCustomerId\n    displayMode\n    joinLink\n    version\n    endReason\n    participants {\n      userId\n      place\n      displayName\n    }\n    undeliveredInvitations {\n      invitationId\n      address\n      reason\n    }\n    activities {\n      chatOpen\n      shares {\n        shareId\n        kind\n        mode\n        customerId\n        status\n        applicationName\n      }\n      recording {\n        recordingId\n        automatic\n      }\n      fileTransfers {\n        transferId\n        customerId\n        status\n      }\n    }\n  }\n": types.SessionFieldsFragmentDoc,
    "\n  query Session($id: ID!, $after: String) {\n    session(id: $id, after: $after) {\n      ...SessionFields\n    }\n  }\n": types.SessionDocument,
    "\n  subscription SessionChanged($id: ID!) {\n    sessionChanged(id: $id) {\n      ...SessionFields\n    }\n  }\n": types.SessionChangedDocument,
    "\n  query Chat($sessionId: ID!, $after: Int!) {\n    chatMessages(sessionId: $sessionId, after: $after, limit: 200) {\n      hasMore\n      items {\n        seq\n        messageId\n        from\n        to\n        text\n        sentAt\n      }\n    }\n  }\n": types.ChatDocument,
    "\n  mutation SendChat($id: ID!, $text: String!, $to: String) {\n    sendChatMessage(id: $id, text: $text, to: $to) {\n      ...SessionFields\n    }\n  }\n": types.SendChatDocument,
    "\n  mutation ApproveShare($id: ID!, $shareId: String!) {\n    approveShare(id: $id, shareId: $shareId) {\n      ...SessionFields\n    }\n  }\n": types.ApproveShareDocument,
    "\n  mutation DeclineShare($id: ID!, $shareId: String!) {\n    declineShare(id: $id, shareId: $shareId) {\n      ...SessionFields\n    }\n  }\n": types.DeclineShareDocument,
    "\n  mutation EndShare($id: ID!, $shareId: String!) {\n    endShare(id: $id, shareId: $shareId) {\n      ...SessionFields\n    }\n  }\n": types.EndShareDocument,
    "\n  mutation Leave($id: ID!) {\n    leaveSession(id: $id) {\n      id\n      status\n    }\n  }\n": types.LeaveDocument,
    "\n  query MySessions {\n    mySessions(status: \"active\", limit: 50) {\n      ...SessionFields\n      startedAt\n    }\n  }\n": types.MySessionsDocument,
    "\n  mutation StartSession($invitations: [InvitationInput!]) {\n    startSession(invitations: $invitations) {\n      ...SessionFields\n      consistencyToken\n    }\n  }\n": types.StartSessionDocument,
    "\n  mutation RequestShare($id: ID!, $kind: ShareKind!, $mode: ShareMode!) {\n    requestShare(id: $id, kind: $kind, mode: $mode) {\n      ...SessionFields\n    }\n  }\n": types.RequestShareDocument,
    "\n  mutation SelectCustomer($id: ID!, $customerId: String!) {\n    selectActiveCustomer(id: $id, customerId: $customerId) {\n      ...SessionFields\n    }\n  }\n": types.SelectCustomerDocument,
    "\n  mutation TransferControl($id: ID!, $toUserId: String!) {\n    transferControl(id: $id, toUserId: $toUserId) {\n      ...SessionFields\n    }\n  }\n": types.TransferControlDocument,
    "\n  mutation HandToQueue($id: ID!, $queueId: String, $agentIds: [String!], $message: String) {\n    handToQueue(id: $id, queueId: $queueId, agentIds: $agentIds, message: $message) {\n      ...SessionFields\n    }\n  }\n": types.HandToQueueDocument,
    "\n  mutation EndSession($id: ID!) {\n    endSession(id: $id) {\n      ...SessionFields\n    }\n  }\n": types.EndSessionDocument,
    "\n  mutation SaveNote($id: ID!, $text: String!) {\n    saveNote(id: $id, text: $text) {\n      ...SessionFields\n    }\n  }\n": types.SaveNoteDocument,
    "\n  query Notes($sessionId: ID!) {\n    sessionNotes(sessionId: $sessionId) {\n      seq\n      noteId\n      by\n      text\n      savedAt\n    }\n  }\n": types.NotesDocument,
    "\n  mutation StartRecording($id: ID!) {\n    startRecording(id: $id) {\n      ...SessionFields\n    }\n  }\n": types.StartRecordingDocument,
    "\n  mutation StopRecording($id: ID!) {\n    stopRecording(id: $id) {\n      ...SessionFields\n    }\n  }\n": types.StopRecordingDocument,
    "\n  mutation DisplayMode($id: ID!, $mode: DisplayMode!) {\n    changeDisplayMode(id: $id, mode: $mode) {\n      ...SessionFields\n    }\n  }\n": types.DisplayModeDocument,
    "\n  mutation Heartbeat($sessionId: ID!) {\n    consoleHeartbeat(sessionId: $sessionId)\n  }\n": types.HeartbeatDocument,
    "\n  query Queues {\n    queues {\n      id\n      name\n      status\n    }\n  }\n": types.QueuesDocument,
    "\n  mutation Invite($id: ID!, $invitations: [InvitationInput!]!) {\n    inviteParticipants(id: $id, invitations: $invitations) {\n      ...SessionFields\n    }\n  }\n": types.InviteDocument,
    "\n  query MyConsole {\n    whoami {\n      userId\n      consoleType\n      sessionMode\n    }\n  }\n": types.MyConsoleDocument,
    "\n  query SessionInvitations($id: ID!) {\n    session(id: $id) {\n      id\n      invitations {\n        invitationId\n        invitee\n        channel\n        delivery\n        address\n        sentAt\n        mailedAt\n        redeemedAt\n      }\n    }\n  }\n": types.SessionInvitationsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestFileTransfer($id: ID!) {\n    requestFileTransfer(id: $id) {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  mutation RequestFileTransfer($id: ID!) {\n    requestFileTransfer(id: $id) {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApproveFileTransfer($id: ID!, $transferId: String!) {\n    approveFileTransfer(id: $id, transferId: $transferId) {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  mutation ApproveFileTransfer($id: ID!, $transferId: String!) {\n    approveFileTransfer(id: $id, transferId: $transferId) {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeclineFileTransfer($id: ID!, $transferId: String!) {\n    declineFileTransfer(id: $id, transferId: $transferId) {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  mutation DeclineFileTransfer($id: ID!, $transferId: String!) {\n    declineFileTransfer(id: $id, transferId: $transferId) {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EndFileTransfer($id: ID!, $transferId: String!) {\n    endFileTransfer(id: $id, transferId: $transferId) {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  mutation EndFileTransfer($id: ID!, $transferId: String!) {\n    endFileTransfer(id: $id, transferId: $transferId) {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyOffers {\n    myOffers {\n      offerId\n      queueId\n      queueName\n      itemId\n      kind\n      message\n      customerName\n      problem\n      sessionId\n      expiresAt\n    }\n    queues {\n      id\n      name\n      agents {\n        agentId\n        available\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyOffers {\n    myOffers {\n      offerId\n      queueId\n      queueName\n      itemId\n      kind\n      message\n      customerName\n      problem\n      sessionId\n      expiresAt\n    }\n    queues {\n      id\n      name\n      agents {\n        agentId\n        available\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcceptOffer($queueId: ID!, $offerId: String!) {\n    acceptOffer(queueId: $queueId, offerId: $offerId) {\n      id\n      consistencyToken\n    }\n  }\n"): (typeof documents)["\n  mutation AcceptOffer($queueId: ID!, $offerId: String!) {\n    acceptOffer(queueId: $queueId, offerId: $offerId) {\n      id\n      consistencyToken\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeclineOffer($queueId: ID!, $offerId: String!) {\n    declineOffer(queueId: $queueId, offerId: $offerId)\n  }\n"): (typeof documents)["\n  mutation DeclineOffer($queueId: ID!, $offerId: String!) {\n    declineOffer(queueId: $queueId, offerId: $offerId)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Availability($queueId: ID!, $available: Boolean!) {\n    setAgentAvailability(queueId: $queueId, available: $available) {\n      id\n      agents {\n        agentId\n        available\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Availability($queueId: ID!, $available: Boolean!) {\n    setAgentAvailability(queueId: $queueId, available: $available) {\n      id\n      agents {\n        agentId\n        available\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SupervisedSessions($status: String, $csrId: String, $customerId: String, $queueId: String, $from: DateTime, $to: DateTime, $offset: Int!) {\n    sessions(status: $status, csrId: $csrId, customerId: $customerId, queueId: $queueId, from: $from, to: $to, offset: $offset, limit: 50) {\n      total\n      items {\n        id\n        number\n        status\n        kind\n        controllerId\n        startedAt\n        endedAt\n        participants {\n          userId\n          place\n          displayName\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SupervisedSessions($status: String, $csrId: String, $customerId: String, $queueId: String, $from: DateTime, $to: DateTime, $offset: Int!) {\n    sessions(status: $status, csrId: $csrId, customerId: $customerId, queueId: $queueId, from: $from, to: $to, offset: $offset, limit: 50) {\n      total\n      items {\n        id\n        number\n        status\n        kind\n        controllerId\n        startedAt\n        endedAt\n        participants {\n          userId\n          place\n          displayName\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FilterQueues {\n    queues {\n      id\n      name\n      status\n    }\n  }\n"): (typeof documents)["\n  query FilterQueues {\n    queues {\n      id\n      name\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SessionHistory($id: ID!) {\n    sessionHistory(id: $id, limit: 1000) {\n      total\n      chain {\n        intact\n        events\n        brokenAt {\n          id\n          version\n          reason\n        }\n      }\n      items {\n        id\n        version\n        type\n        at\n        by\n        dataJson\n        stateJson\n      }\n    }\n  }\n"): (typeof documents)["\n  query SessionHistory($id: ID!) {\n    sessionHistory(id: $id, limit: 1000) {\n      total\n      chain {\n        intact\n        events\n        brokenAt {\n          id\n          version\n          reason\n        }\n      }\n      items {\n        id\n        version\n        type\n        at\n        by\n        dataJson\n        stateJson\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Activity($from: String!, $to: String!, $csrId: String, $queueId: String) {\n    csrActivityReport(from: $from, to: $to, csrId: $csrId, queueId: $queueId) {\n      csrId\n      sessions\n      inboundSessions\n      outboundSessions\n      customersHelped\n      handleTimeTotalMs\n      handleTimeAverageMs\n      transfersGiven\n      transfersReceived\n      handOvers\n      recordings\n      notes {\n        text\n      }\n    }\n  }\n"): (typeof documents)["\n  query Activity($from: String!, $to: String!, $csrId: String, $queueId: String) {\n    csrActivityReport(from: $from, to: $to, csrId: $csrId, queueId: $queueId) {\n      csrId\n      sessions\n      inboundSessions\n      outboundSessions\n      customersHelped\n      handleTimeTotalMs\n      handleTimeAverageMs\n      transfersGiven\n      transfersReceived\n      handOvers\n      recordings\n      notes {\n        text\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestExport($from: String!, $to: String!, $csrId: String, $queueId: String) {\n    requestActivityExport(from: $from, to: $to, csrId: $csrId, queueId: $queueId, format: \"csv\")\n  }\n"): (typeof documents)["\n  mutation RequestExport($from: String!, $to: String!, $csrId: String, $queueId: String) {\n    requestActivityExport(from: $from, to: $to, csrId: $csrId, queueId: $queueId, format: \"csv\")\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExportStatus($id: ID!) {\n    reportExport(id: $id) {\n      id\n      status\n      progress\n      error\n    }\n  }\n"): (typeof documents)["\n  query ExportStatus($id: ID!) {\n    reportExport(id: $id) {\n      id\n      status\n      progress\n      error\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SessionFields on Session {\n    id\n    number\n    status\n    kind\n    mode\n    controllerId\n    activeCustomerId\n    displayMode\n    joinLink\n    version\n    endReason\n    participants {\n      userId\n      place\n      displayName\n    }\n    undeliveredInvitations {\n      invitationId\n      address\n      reason\n    }\n    activities {\n      chatOpen\n      shares {\n        shareId\n        kind\n        mode\n        customerId\n        status\n        applicationName\n      }\n      recording {\n        recordingId\n        automatic\n      }\n      fileTransfers {\n        transferId\n        customerId\n        status\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment SessionFields on Session {\n    id\n    number\n    status\n    kind\n    mode\n    controllerId\n    activeCustomerId\n    displayMode\n    joinLink\n    version\n    endReason\n    participants {\n      userId\n      place\n      displayName\n    }\n    undeliveredInvitations {\n      invitationId\n      address\n      reason\n    }\n    activities {\n      chatOpen\n      shares {\n        shareId\n        kind\n        mode\n        customerId\n        status\n        applicationName\n      }\n      recording {\n        recordingId\n        automatic\n      }\n      fileTransfers {\n        transferId\n        customerId\n        status\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Session($id: ID!, $after: String) {\n    session(id: $id, after: $after) {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  query Session($id: ID!, $after: String) {\n    session(id: $id, after: $after) {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SessionChanged($id: ID!) {\n    sessionChanged(id: $id) {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  subscription SessionChanged($id: ID!) {\n    sessionChanged(id: $id) {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Chat($sessionId: ID!, $after: Int!) {\n    chatMessages(sessionId: $sessionId, after: $after, limit: 200) {\n      hasMore\n      items {\n        seq\n        messageId\n        from\n        to\n        text\n        sentAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query Chat($sessionId: ID!, $after: Int!) {\n    chatMessages(sessionId: $sessionId, after: $after, limit: 200) {\n      hasMore\n      items {\n        seq\n        messageId\n        from\n        to\n        text\n        sentAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendChat($id: ID!, $text: String!, $to: String) {\n    sendChatMessage(id: $id, text: $text, to: $to) {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  mutation SendChat($id: ID!, $text: String!, $to: String) {\n    sendChatMessage(id: $id, text: $text, to: $to) {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApproveShare($id: ID!, $shareId: String!) {\n    approveShare(id: $id, shareId: $shareId) {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  mutation ApproveShare($id: ID!, $shareId: String!) {\n    approveShare(id: $id, shareId: $shareId) {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeclineShare($id: ID!, $shareId: String!) {\n    declineShare(id: $id, shareId: $shareId) {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  mutation DeclineShare($id: ID!, $shareId: String!) {\n    declineShare(id: $id, shareId: $shareId) {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EndShare($id: ID!, $shareId: String!) {\n    endShare(id: $id, shareId: $shareId) {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  mutation EndShare($id: ID!, $shareId: String!) {\n    endShare(id: $id, shareId: $shareId) {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Leave($id: ID!) {\n    leaveSession(id: $id) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation Leave($id: ID!) {\n    leaveSession(id: $id) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MySessions {\n    mySessions(status: \"active\", limit: 50) {\n      ...SessionFields\n      startedAt\n    }\n  }\n"): (typeof documents)["\n  query MySessions {\n    mySessions(status: \"active\", limit: 50) {\n      ...SessionFields\n      startedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartSession($invitations: [InvitationInput!]) {\n    startSession(invitations: $invitations) {\n      ...SessionFields\n      consistencyToken\n    }\n  }\n"): (typeof documents)["\n  mutation StartSession($invitations: [InvitationInput!]) {\n    startSession(invitations: $invitations) {\n      ...SessionFields\n      consistencyToken\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestShare($id: ID!, $kind: ShareKind!, $mode: ShareMode!) {\n    requestShare(id: $id, kind: $kind, mode: $mode) {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  mutation RequestShare($id: ID!, $kind: ShareKind!, $mode: ShareMode!) {\n    requestShare(id: $id, kind: $kind, mode: $mode) {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SelectCustomer($id: ID!, $customerId: String!) {\n    selectActiveCustomer(id: $id, customerId: $customerId) {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  mutation SelectCustomer($id: ID!, $customerId: String!) {\n    selectActiveCustomer(id: $id, customerId: $customerId) {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TransferControl($id: ID!, $toUserId: String!) {\n    transferControl(id: $id, toUserId: $toUserId) {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  mutation TransferControl($id: ID!, $toUserId: String!) {\n    transferControl(id: $id, toUserId: $toUserId) {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation HandToQueue($id: ID!, $queueId: String, $agentIds: [String!], $message: String) {\n    handToQueue(id: $id, queueId: $queueId, agentIds: $agentIds, message: $message) {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  mutation HandToQueue($id: ID!, $queueId: String, $agentIds: [String!], $message: String) {\n    handToQueue(id: $id, queueId: $queueId, agentIds: $agentIds, message: $message) {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EndSession($id: ID!) {\n    endSession(id: $id) {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  mutation EndSession($id: ID!) {\n    endSession(id: $id) {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SaveNote($id: ID!, $text: String!) {\n    saveNote(id: $id, text: $text) {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  mutation SaveNote($id: ID!, $text: String!) {\n    saveNote(id: $id, text: $text) {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Notes($sessionId: ID!) {\n    sessionNotes(sessionId: $sessionId) {\n      seq\n      noteId\n      by\n      text\n      savedAt\n    }\n  }\n"): (typeof documents)["\n  query Notes($sessionId: ID!) {\n    sessionNotes(sessionId: $sessionId) {\n      seq\n      noteId\n      by\n      text\n      savedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartRecording($id: ID!) {\n    startRecording(id: $id) {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  mutation StartRecording($id: ID!) {\n    startRecording(id: $id) {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StopRecording($id: ID!) {\n    stopRecording(id: $id) {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  mutation StopRecording($id: ID!) {\n    stopRecording(id: $id) {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DisplayMode($id: ID!, $mode: DisplayMode!) {\n    changeDisplayMode(id: $id, mode: $mode) {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  mutation DisplayMode($id: ID!, $mode: DisplayMode!) {\n    changeDisplayMode(id: $id, mode: $mode) {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Heartbeat($sessionId: ID!) {\n    consoleHeartbeat(sessionId: $sessionId)\n  }\n"): (typeof documents)["\n  mutation Heartbeat($sessionId: ID!) {\n    consoleHeartbeat(sessionId: $sessionId)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Queues {\n    queues {\n      id\n      name\n      status\n    }\n  }\n"): (typeof documents)["\n  query Queues {\n    queues {\n      id\n      name\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Invite($id: ID!, $invitations: [InvitationInput!]!) {\n    inviteParticipants(id: $id, invitations: $invitations) {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  mutation Invite($id: ID!, $invitations: [InvitationInput!]!) {\n    inviteParticipants(id: $id, invitations: $invitations) {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyConsole {\n    whoami {\n      userId\n      consoleType\n      sessionMode\n    }\n  }\n"): (typeof documents)["\n  query MyConsole {\n    whoami {\n      userId\n      consoleType\n      sessionMode\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SessionInvitations($id: ID!) {\n    session(id: $id) {\n      id\n      invitations {\n        invitationId\n        invitee\n        channel\n        delivery\n        address\n        sentAt\n        mailedAt\n        redeemedAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query SessionInvitations($id: ID!) {\n    session(id: $id) {\n      id\n      invitations {\n        invitationId\n        invitee\n        channel\n        delivery\n        address\n        sentAt\n        mailedAt\n        redeemedAt\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;