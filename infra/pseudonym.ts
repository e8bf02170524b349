// Public names for bidders: an HMAC of (auction id, user id) under a server secret, so a bidder is
// stable within one auction and unlinkable across auctions (DESIGN.md section 5).
import { createHmac, createSecretKey } from 'node:crypto';

export type Pseudonymiser = (auctionId: string, userId: string) => string;

export const pseudonymiser = (secret: string): Pseudonymiser => {
  // The key is imported once, not on every call.
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  return (auctionId, userId) => `bidder-${createHmac('sha256', key).update(`${auctionId}\u0000${userId}`).digest('hex').slice(0, 10)}`;
};
