// The timers of a list view (the listing, a sale): its countdowns tick twice a second, and it is
// loaded again every `refreshMs` while the page is visible (frames keep it current meanwhile).

/**
 * @param {() => void} tick
 * @param {() => Promise<void>} load
 * @param {number} refreshMs
 * @returns {() => void} stops both
 */
export const tickAndRefresh = (tick, load, refreshMs) => {
  const ticker = setInterval(tick, 500);
  const refresher = setInterval(() => {
    if (document.visibilityState === 'visible') void load();
  }, refreshMs);
  return () => {
    clearInterval(ticker);
    clearInterval(refresher);
  };
};
