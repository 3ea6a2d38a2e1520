import { parentPort } from 'node:worker_threads';
import { runChecks } from '../checks';
import { preloadValidators } from '../checks/k8s-validate/constraints';
import { lookupKind } from '../checks/k8s-validate/api-schema';
import type { CheckThreadMessage } from './check-thread';
import type { CheckRequest } from './synthesize';

// The check thread (see CheckThread): runs the shared checks of the requests it is sent.
const post = (message: CheckThreadMessage) => parentPort?.postMessage(message);
parentPort?.on('message', (requests: CheckRequest[]) => {
  try {
    post({ type: 'done', findings: requests.map((r) => runChecks(r.objects, r.context)) });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    post({ type: 'crash', message: e.message, stack: e.stack });
  }
});

// While the main thread loads cdk8s and renders: the API model and the validators of the kinds the targets write.
lookupKind('apps/v1', 'Deployment');
preloadValidators();
