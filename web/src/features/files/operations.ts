import { graphql } from '../../gql';

/** TL-4: the controller asks to exchange files with the active customer; the customer answers. */
export const REQUEST_FILE_TRANSFER = graphql(`
  mutation RequestFileTransfer($id: ID!) {
    requestFileTransfer(id: $id) {
      ...SessionFields
    }
  }
`);

export const APPROVE_FILE_TRANSFER = graphql(`
  mutation ApproveFileTransfer($id: ID!, $transferId: String!) {
    approveFileTransfer(id: $id, transferId: $transferId) {
      ...SessionFields
    }
  }
`);

export const DECLINE_FILE_TRANSFER = graphql(`
  mutation DeclineFileTransfer($id: ID!, $transferId: String!) {
    declineFileTransfer(id: $id, transferId: $transferId) {
      ...SessionFields
    }
  }
`);

export const END_FILE_TRANSFER = graphql(`
  mutation EndFileTransfer($id: ID!, $transferId: String!) {
    endFileTransfer(id: $id, transferId: $transferId) {
      ...SessionFields
    }
  }
`);
