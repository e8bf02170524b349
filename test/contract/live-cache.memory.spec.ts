// The live-cache contract against the in-memory cache of embedded mode.
import { MemoryLiveCache } from '../../projections/index.js';
import { liveCacheContract, pseudonym } from './live-cache.contract.js';

describe('live cache (in memory)', () => {
  liveCacheContract(() => async ({ historyLength, parking, history }) => {
    const cache = new MemoryLiveCache({ pseudonym, historyLength, ...(parking !== undefined ? { parking } : {}), ...(history !== undefined ? { history } : {}) });
    return { projector: cache, feed: cache, parkedStreams: () => cache.parkedStreams(), close: () => cache.close() };
  }, { shared: false });
});
