// The auctions each user watches: the table, its store and the routes that change it.
export { createWatchlistStore, watchlistMigrations, WATCHLIST_LIMIT } from './watchlist-store.js';
export type { WatchlistStore, WatchResult } from './watchlist-store.js';
export { watchlistRoutes } from './watchlist-routes.js';
export type { WatchlistRoutesDeps } from './watchlist-routes.js';
