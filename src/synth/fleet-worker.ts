import { parentPort, workerData } from 'node:worker_threads';
import { WorkerData, WorkerMessage } from './fleet';
import { processStacks } from './synthesize';

// One chunk of a fleet, on its own thread: see synthesizeFleet.
const data = workerData as WorkerData;
const post = (message: WorkerMessage) => parentPort?.postMessage(message);
try {
  const results = processStacks(data.stacks, data.options, data.offset, data.total, () => post({ type: 'progress' }));
  post({ type: 'done', results });
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  post({ type: 'crash', message: e.message, stack: e.stack });
}
