// A Dutch auction's clock on the page, the same pure function as the domain's
// (domain/dutch-clock.ts; a unit test holds the two together): no frame comes for each drop, so the
// page computes the price from the view's `clock`, `startingPrice` and `startsAt` and the server's
// time (clock.js).

/**
 * @typedef {{ decrementAmount: number, decrementEverySeconds: number, floorPrice: number }} DutchClock
 * @typedef {{ startingPrice: number, startsAt: string, clock: DutchClock }} Clocked
 */

/**
 * Whole decrements from the starting price to the floor.
 * @param {number} startingPrice
 * @param {DutchClock} clock
 * @returns {number}
 */
export function stepsToFloor(startingPrice, clock) {
  return Math.max(0, Math.ceil((startingPrice - clock.floorPrice) / clock.decrementAmount));
}

/**
 * The clock's price at `nowMs`: the starting price until `startsAt`, then one decrement per whole
 * step elapsed, never below the floor.
 * @param {Clocked} a
 * @param {number} nowMs
 * @returns {number}
 */
export function dutchPrice(a, nowMs) {
  const elapsedMs = nowMs - Date.parse(a.startsAt);
  const { decrementAmount, decrementEverySeconds, floorPrice } = a.clock;
  if (!(elapsedMs > 0) || !(decrementEverySeconds >= 1)) return a.startingPrice;
  const steps = Math.min(Math.floor(elapsedMs / (decrementEverySeconds * 1000)), stepsToFloor(a.startingPrice, a.clock));
  return Math.max(floorPrice, a.startingPrice - steps * decrementAmount);
}

/**
 * The clock's next drop after `nowMs`: when, and to what price; null once it stands at the floor.
 * @param {Clocked} a
 * @param {number} nowMs
 * @returns {{ atMs: number, price: number } | null}
 */
export function nextDrop(a, nowMs) {
  const startsAtMs = Date.parse(a.startsAt);
  const stepMs = a.clock.decrementEverySeconds * 1000;
  if (!(stepMs > 0)) return null;
  const steps = nowMs < startsAtMs ? 0 : Math.floor((nowMs - startsAtMs) / stepMs) + 1;
  if (steps > stepsToFloor(a.startingPrice, a.clock)) return null;
  const atMs = startsAtMs + steps * stepMs;
  return { atMs, price: dutchPrice(a, atMs) };
}
