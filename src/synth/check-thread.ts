import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Finding } from '../checks/findings';
import type { CheckRequest } from './synthesize';

/** A message from the check thread: the findings of each request, or a crash. */
export type CheckThreadMessage = { type: 'done'; findings: Finding[][] } | { type: 'crash'; message: string; stack?: string };

/**
 * A worker thread for the shared checks of a run too small for fleet
 * workers (one stack, a few). Started before the config is read, it loads
 * the checks, the API model and the constraint validators on the second
 * core while this thread loads cdk8s and renders; then it checks what was
 * rendered. The findings are those of checking on this thread.
 */
export class CheckThread {
  /** Starts the thread, or gives undefined where there is no compiled worker (under ts-jest). */
  public static start(): CheckThread | undefined {
    const file = path.join(__dirname, 'check-thread-worker.js');
    if (!fs.existsSync(file)) return undefined;
    return new CheckThread(new Worker(file));
  }

  private startError: unknown;

  private constructor(private readonly worker: Worker) {
    // Until check(), an idle thread must not keep a run that fails early (a bad config) from exiting.
    worker.unref();
    worker.on('error', (err) => (this.startError ??= err));
  }

  /** The findings of each request, as runChecks gives them. */
  public check(requests: CheckRequest[]): Promise<Finding[][]> {
    return new Promise((resolve, reject) => {
      if (this.startError !== undefined) {
        reject(this.startError);
        return;
      }
      this.worker.ref();
      this.worker.once('message', (message: CheckThreadMessage) => {
        if (message.type === 'done') resolve(message.findings);
        else reject(Object.assign(new Error(message.message), { stack: message.stack }));
      });
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new Error(`the check thread exited with code ${code}`)));
      this.worker.postMessage(requests);
    });
  }

  /** Stops the thread. */
  public close(): void {
    this.worker.removeAllListeners();
    void this.worker.terminate();
  }
}
