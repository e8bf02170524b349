// The signed-in user's notifications (README, Personal notifications): `notification` frames from
// the live connection, each `id` kept once (delivery is at least once), newest first, with how many
// are unread; and the sentence each kind says.

/**
 * @typedef {{ id: string, kind: string, auctionId: string, title?: string, currency?: string, currentPrice?: number, endsAt?: string, at?: string }} Notice
 * @typedef {(minor: number, currency: string) => string} Money
 */

/** How many notifications the tray keeps (the oldest go first). */
export const INBOX_LIMIT = 50;
/** How many ids are remembered to drop redeliveries (more than the tray shows). */
const SEEN_LIMIT = 500;

export class Inbox {
  constructor() {
    /** @type {Notice[]} newest first */
    this.items = [];
    /** @type {Set<string>} */
    this.seen = new Set();
    this.unread = 0;
    /** @type {Set<() => void>} */
    this.listeners = new Set();
  }

  /**
   * Takes a notification; false when its id was seen already (a redelivery).
   * @param {Notice} notice
   * @returns {boolean}
   */
  add(notice) {
    if (this.seen.has(notice.id)) return false;
    this.seen.add(notice.id);
    if (this.seen.size > SEEN_LIMIT) this.seen.delete(/** @type {string} */ (this.seen.values().next().value));
    this.items.unshift(notice);
    if (this.items.length > INBOX_LIMIT) this.items.length = INBOX_LIMIT;
    this.unread = Math.min(this.unread + 1, this.items.length);
    this.changed();
    return true;
  }

  markAllRead() {
    if (this.unread === 0) return;
    this.unread = 0;
    this.changed();
  }

  /** Forgets everything (another user signed in). */
  clear() {
    this.items = [];
    this.seen.clear();
    this.unread = 0;
    this.changed();
  }

  /**
   * @param {() => void} listener
   * @returns {() => void} stops listening
   */
  listen(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed() {
    for (const l of this.listeners) l();
  }
}

/**
 * What a notification says, in one sentence.
 * @param {Notice} n
 * @param {Money} money
 * @returns {string}
 */
export function noticeText(n, money) {
  const title = typeof n.title === 'string' && n.title !== '' ? `“${n.title}”` : 'an auction';
  const price = typeof n.currentPrice === 'number' && typeof n.currency === 'string' ? money(n.currentPrice, n.currency) : undefined;
  switch (n.kind) {
    case 'outbid': return `You were outbid on ${title}${price === undefined ? '' : `: the price is now ${price}`}.`;
    case 'ending-soon': return `${title === 'an auction' ? 'An auction' : title} ends soon${price === undefined ? '' : `, at ${price} now`}.`;
    case 'won': return `You won ${title}${price === undefined ? '' : ` for ${price}`}.`;
    case 'lost': return `${title === 'an auction' ? 'An auction' : title} ended without you winning${price === undefined ? '' : ` (final price ${price})`}.`;
    case 'auction-cancelled': return `${title === 'an auction' ? 'An auction' : title} was cancelled.`;
    case 'second-chance-offer': return `The seller offers you ${title} at your maximum bid: accept or decline on its page.`;
    default: return `News about ${title}.`;
  }
}
