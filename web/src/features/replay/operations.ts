import { graphql } from '../../gql';

export const SESSIONS = graphql(`
  query SupervisedSessions($status: String, $csrId: String, $customerId: String, $queueId: String, $from: DateTime, $to: DateTime, $offset: Int!) {
    sessions(status: $status, csrId: $csrId, customerId: $customerId, queueId: $queueId, from: $from, to: $to, offset: $offset, limit: 50) {
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

/** The queues a supervisor can filter sessions by (closed ones included: sessions passed through them). */
export const FILTER_QUEUES = graphql(`
  query FilterQueues {
    queues {
      id
      name
      status
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
