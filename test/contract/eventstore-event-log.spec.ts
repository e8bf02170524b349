// The event log contract on EventStoreDB (EVENTSTORE_URL, e.g. esdb://localhost:2113?tls=false).
// Streams carry a per-run suffix, so the suite runs against a shared server.
import { openEventStoreEventLog } from '../../commands/event-log/index.js';
import { serviceUrl } from '../support/services.js';
import { eventLogContract } from './event-log.contract.js';

eventLogContract('EventStoreDB', async (ctx) => {
  const url = serviceUrl(ctx, 'EVENTSTORE_URL', 'EventStoreDB event log contract');
  const log = await openEventStoreEventLog(url);
  return { log, close: () => log.close() };
});
