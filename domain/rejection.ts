// Why a command was refused: a code from DESIGN.md section 5 and a message a person can read.

export const rejectionCodes = [
  'INVALID_REQUEST',
  'AUCTION_NOT_FOUND',
  'AUCTION_ALREADY_EXISTS',
  'AUCTION_NOT_OPEN',
  'AUCTION_NOT_ENDED',
  'BID_TOO_LOW',
  'SELLER_CANNOT_BID',
  'BUY_NOW_UNAVAILABLE',
  'CANCEL_NOT_ALLOWED',
  'NOT_AUCTION_SELLER',
  // Account rules (domain/accounts/account-gate.ts).
  'ACCOUNT_SUSPENDED',
  'BIDDER_BLOCKED',
  // Retraction and approval rules (domain/retraction.ts, domain/approval.ts).
  'RETRACTION_NOT_ALLOWED',
  'NO_BIDS_TO_RETRACT',
  'BID_NOT_FOUND',
  'BIDDER_NOT_APPROVED',
  'APPROVAL_NOT_REQUIRED',
  // Timed sales (domain/sales/).
  'SALE_ALREADY_EXISTS',
  // Second-chance offers (domain/decide-second-chance.ts).
  'SECOND_CHANCE_NOT_ALLOWED',
  'BIDDER_NOT_FOUND',
  'OFFER_NOT_FOUND',
  'OFFER_EXPIRED',
  'OFFER_LAPSED',
  // A command the auction's format does not take (a bid on a Dutch auction: domain/decide-dutch.ts).
  'WRONG_FORMAT',
] as const;
export type RejectionCode = (typeof rejectionCodes)[number];

export interface FieldProblem {
  /**
   * A field of the command as the client sent it (`reservePrice`), or, for a command whose events
   * could not be stored, a field of one of those events (`events[0].data.title`).
   */
  readonly path: string;
  readonly message: string;
}

export interface Rejection {
  readonly code: RejectionCode;
  readonly message: string;
  /** BID_TOO_LOW: the least maximum that would be accepted now. */
  readonly minimumAmount?: number;
  /** INVALID_REQUEST: the fields at fault. */
  readonly fields?: readonly FieldProblem[];
}

export const reject = (code: RejectionCode, message: string, extra: Omit<Rejection, 'code' | 'message'> = {}): Rejection => ({
  code,
  message,
  ...extra,
});
