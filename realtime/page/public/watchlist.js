// Which auctions the signed-in user watches (`GET /v1/me/watchlist`, changed with `PUT`/`DELETE
// /v1/me/watchlist/:auctionId`), shared by the views that show a watch button. Loaded once per
// sign-in; each change is sent to the server and kept here only when the server took it.
import { api } from './api.js';

/** @typedef {{ ok: true } | { ok: false, message: string }} WatchAnswer */

export class Watchlist {
  constructor() {
    /** @type {Set<string>} */
    this.ids = new Set();
    /** @type {string | undefined} the user the list belongs to */
    this.owner = undefined;
    /** @type {Promise<void> | undefined} */
    this.loading = undefined;
  }

  /**
   * The list of `session`'s user (loaded on first use; forgotten when the user changes).
   * @param {{ sub: string, token: string } | undefined} session
   * @returns {Promise<Set<string>>}
   */
  async of(session) {
    if (session === undefined) {
      this.owner = undefined;
      this.ids = new Set();
      return this.ids;
    }
    if (this.owner !== session.sub || this.loading === undefined) {
      this.owner = session.sub;
      this.ids = new Set();
      this.loading = (async () => {
        const answer = await api.mine('watchlist', session.token);
        if (answer.ok && Array.isArray(answer.body?.items)) {
          for (const item of answer.body.items) if (typeof item?.auctionId === 'string') this.ids.add(item.auctionId);
        }
      })();
    }
    await this.loading;
    return this.ids;
  }

  /**
   * @param {string} auctionId
   * @param {boolean} watched
   * @param {{ token: string }} session
   * @returns {Promise<WatchAnswer>}
   */
  async set(auctionId, watched, session) {
    const answer = await api.setWatched(auctionId, watched, session.token);
    if (!answer.ok) {
      return { ok: false, message: answer.error.code === 'WATCHLIST_FULL' ? 'Your watchlist is full: remove an auction from it first.' : answer.error.message };
    }
    if (watched) this.ids.add(auctionId);
    else this.ids.delete(auctionId);
    return { ok: true };
  }
}
