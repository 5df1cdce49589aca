import { graphql } from '../../gql';

export const MY_OFFERS = graphql(`
  query MyOffers {
    myOffers {
      offerId
      queueId
      queueName
      itemId
      kind
      message
      customerName
      problem
      sessionId
      expiresAt
    }
    queues {
      id
      name
      agents {
        agentId
        available
      }
    }
  }
`);

export const ACCEPT_OFFER = graphql(`
  mutation AcceptOffer($queueId: ID!, $offerId: String!) {
    acceptOffer(queueId: $queueId, offerId: $offerId) {
      id
      consistencyToken
    }
  }
`);

export const DECLINE_OFFER = graphql(`
  mutation DeclineOffer($queueId: ID!, $offerId: String!) {
    declineOffer(queueId: $queueId, offerId: $offerId)
  }
`);

export const AVAILABILITY = graphql(`
  mutation Availability($queueId: ID!, $available: Boolean!) {
    setAgentAvailability(queueId: $queueId, available: $available) {
      id
      agents {
        agentId
        available
      }
    }
  }
`);
