// Public names for bidders: an HMAC of (auction id, user id) under a server secret, so a bidder is
// stable within one auction and unlinkable across auctions (DESIGN.md section 5).
import { createHmac } from 'node:crypto';

export type Pseudonymiser = (auctionId: string, userId: string) => string;

export const pseudonymiser = (secret: string): Pseudonymiser => (auctionId, userId) =>
  `bidder-${createHmac('sha256', secret).update(`${auctionId}\u0000${userId}`).digest('hex').slice(0, 10)}`;
