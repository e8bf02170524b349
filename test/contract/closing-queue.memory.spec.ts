import { InMemoryClosingQueue } from '../../commands/scheduler/index.js';
import { closingQueueContract } from './closing-queue.contract.js';

closingQueueContract('InMemoryClosingQueue', () => {
  const queue = new InMemoryClosingQueue();
  return Promise.resolve({ queue, other: queue, cleanup: () => Promise.resolve() });
});
