// The server's clock as the page estimates it. Countdowns run on it: `time` frames from the realtime
// server give the server's time; the offset is server time minus the local time the frame arrived.
// A frame is always a little late, so each sample underestimates the offset by its travel time: the
// largest of the recent samples is the best estimate. HTTP `Date` headers (whole seconds) serve until
// the first frame arrives.

const KEEP = 8;

export class ServerClock {
  constructor() {
    /** @type {number[]} */
    this.samples = [];
    /** @type {number | undefined} */
    this.coarseOffset = undefined;
  }

  /**
   * A `time` frame's server time, received at `receivedAtMs` local time.
   * @param {string} serverTime ISO 8601
   * @param {number} [receivedAtMs]
   */
  observe(serverTime, receivedAtMs = Date.now()) {
    const serverMs = Date.parse(serverTime);
    if (Number.isNaN(serverMs)) return;
    this.samples.push(serverMs - receivedAtMs);
    if (this.samples.length > KEEP) this.samples.shift();
  }

  /**
   * An HTTP `Date` header (whole seconds: its middle is the best guess), used until frames arrive.
   * @param {string | null} header
   * @param {number} [receivedAtMs]
   */
  observeHttpDate(header, receivedAtMs = Date.now()) {
    if (header === null || this.samples.length > 0) return;
    const serverMs = Date.parse(header);
    if (!Number.isNaN(serverMs)) this.coarseOffset = serverMs + 500 - receivedAtMs;
  }

  /** Milliseconds to add to the local clock to get the server's. */
  get offsetMs() {
    if (this.samples.length > 0) return Math.max(...this.samples);
    return this.coarseOffset ?? 0;
  }

  /** The server's time now, in milliseconds since the epoch. */
  now() {
    return Date.now() + this.offsetMs;
  }
}

/**
 * Time left as people read it: "2 d 3 h", "1 h 05 m", "4 m 07 s", "9 s"; "0 s" once past.
 * @param {number} ms
 * @returns {string}
 */
export function formatRemaining(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (/** @type {number} */ n) => String(n).padStart(2, '0');
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${two(minutes)} m`;
  if (minutes > 0) return `${minutes} m ${two(seconds)} s`;
  return `${seconds} s`;
}

/**
 * A time of day in the browser's locale, with seconds ("14:03:05").
 * @param {string | number} time ISO 8601 or epoch milliseconds
 * @returns {string}
 */
export function formatClockTime(time) {
  const date = new Date(time);
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** @type {Map<string, Intl.DateTimeFormat>} */
const dateTimeFormats = new Map();

/**
 * A moment with its date, time and time zone, in the browser's locale and zone, the zone named:
 * "Sun, Nov 29, 2026, 10:05 AM UTC", "Sun 29 Nov 2026, 11:05 CET (Europe/Paris)".
 * @param {string | number} time ISO 8601 or epoch milliseconds
 * @param {{ locale?: string, timeZone?: string }} [options] for tests; the browser's by default
 * @returns {string}
 */
export function formatDateTime(time, options = {}) {
  const key = `${options.locale ?? ''}|${options.timeZone ?? ''}`;
  let format = dateTimeFormats.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(options.locale, {
      weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short',
      ...(options.timeZone !== undefined ? { timeZone: options.timeZone } : {}),
    });
    dateTimeFormats.set(key, format);
  }
  const date = new Date(time);
  const text = format.format(date);
  const zone = format.resolvedOptions().timeZone;
  // The short name ("CET", "GMT+1") can be ambiguous: add the zone's own name when it is not already there.
  return text.includes(zone) || zone === 'UTC' ? text : `${text} (${zone.replace(/_/g, ' ')})`;
}
