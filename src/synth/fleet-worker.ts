import { parentPort } from 'node:worker_threads';
import { WorkerBatch, WorkerMessage } from './fleet';
import { processStacks } from './synthesize';
import { DEFAULT_TARGET, findTarget, loadTarget } from '../targets';
import { lookupKind } from '../checks/k8s-validate/api-schema';

// A fleet worker (see FleetWorkers): renders and checks the batches of stacks it is sent.
const post = (message: WorkerMessage) => parentPort?.postMessage(message);
parentPort?.on('message', (batch: WorkerBatch) => {
  try {
    const results = processStacks(batch.stacks, batch.options, batch.offset, batch.total, () => post({ type: 'progress' }));
    post({ type: 'done', batch: batch.batch, results });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    post({ type: 'crash', message: e.message, stack: e.stack });
  }
});

// Started while the main thread parses the config: load what every fleet needs before the first batch comes.
loadTarget(findTarget(DEFAULT_TARGET)!);
lookupKind('apps/v1', 'Deployment');
