// realtime/: the WebSocket server, its subscription protocol and Redis fan-out, and the live
// bidding page that uses them.
export * from './page/index.js';
