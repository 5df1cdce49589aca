import { graphql } from '../../gql';

export const ACTIVITY = graphql(`
  query Activity($from: String!, $to: String!, $csrId: String, $queueId: String) {
    csrActivityReport(from: $from, to: $to, csrId: $csrId, queueId: $queueId) {
      csrId
      sessions
      inboundSessions
      outboundSessions
      customersHelped
      handleTimeTotalMs
      handleTimeAverageMs
      transfersGiven
      transfersReceived
      handOvers
      recordings
      notes {
        text
      }
    }
  }
`);

export const REQUEST_EXPORT = graphql(`
  mutation RequestExport($from: String!, $to: String!, $csrId: String, $queueId: String) {
    requestActivityExport(from: $from, to: $to, csrId: $csrId, queueId: $queueId, format: "csv")
  }
`);

export const EXPORT_STATUS = graphql(`
  query ExportStatus($id: ID!) {
    reportExport(id: $id) {
      id
      status
      progress
      error
    }
  }
`);
