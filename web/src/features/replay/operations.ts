import { graphql } from '../../gql';

export const SESSIONS = graphql(`
  query SupervisedSessions($status: String, $csrId: String, $customerId: String, $from: DateTime, $to: DateTime, $offset: Int!) {
    sessions(status: $status, csrId: $csrId, customerId: $customerId, from: $from, to: $to, offset: $offset, limit: 50) {
      total
      items {
        id
        number
        status
        kind
        controllerId
        startedAt
        endedAt
        participants {
          userId
          place
          displayName
        }
      }
    }
  }
`);

export const HISTORY = graphql(`
  query SessionHistory($id: ID!) {
    sessionHistory(id: $id, limit: 1000) {
      total
      chain {
        intact
        events
        brokenAt {
          id
          version
          reason
        }
      }
      items {
        id
        version
        type
        at
        by
        dataJson
        stateJson
      }
    }
  }
`);
