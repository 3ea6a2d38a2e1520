import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { StackConfig } from '../config/schema';
import { StackResults, Synthesized, SynthesizeOptions, finish, processStacks } from './synthesize';

/** Below this many stacks, worker start-up (~0.3 s each) costs more than it saves. */
export const PARALLEL_THRESHOLD = 64;

/** Options for {@link synthesizeFleet}. */
export interface FleetOptions extends SynthesizeOptions {
  /** Called after each stack, from the main thread. @default - no progress */
  readonly onProgress?: (done: number, total: number) => void;
  /** Worker threads to use for large fleets. @default - the machine's available parallelism, at most 8 */
  readonly workers?: number;
}

/** A message from a fleet worker. */
export type WorkerMessage = { type: 'progress' } | { type: 'done'; results: StackResults } | { type: 'crash'; message: string; stack?: string };

/** The data a fleet worker starts with. */
export interface WorkerData {
  readonly stacks: StackConfig[];
  readonly options: SynthesizeOptions;
  readonly offset: number;
  readonly total: number;
}

/**
 * {@link synthesize} for fleets: large configs are split into contiguous
 * chunks rendered on worker threads, one per core, because rendering is
 * CPU-bound and each stack is independent (one cdk8s App per stack). The
 * output is byte-identical to a single-threaded run, in config order.
 */
export async function synthesizeFleet(stacks: readonly StackConfig[], options: FleetOptions): Promise<Synthesized> {
  const total = stacks.length;
  let done = 0;
  const tick = () => options.onProgress?.(++done, total);
  const workerFile = path.join(__dirname, 'fleet-worker.js');
  const workers = Math.min(options.workers ?? Math.min(os.availableParallelism(), 8), Math.ceil(total / 32));
  const { onProgress: _onProgress, workers: _workers, ...synthOptions } = options;
  // Under ts-jest there is no compiled worker; the in-process path gives the same output.
  if (total < PARALLEL_THRESHOLD || workers < 2 || !fs.existsSync(workerFile)) {
    return finish(stacks, [processStacks(stacks, synthOptions, 0, total, tick)], synthOptions);
  }
  const size = Math.ceil(total / workers);
  const chunks = await Promise.all(
    Array.from({ length: workers }, (_, i) => runWorker(workerFile, {
      stacks: stacks.slice(i * size, (i + 1) * size),
      options: synthOptions,
      offset: i * size,
      total,
    }, tick)),
  );
  return finish(stacks, chunks, synthOptions);
}

function runWorker(file: string, data: WorkerData, tick: () => void): Promise<StackResults> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(file, { workerData: data });
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') tick();
      else if (message.type === 'done') resolve(message.results);
      else reject(Object.assign(new Error(message.message), { stack: message.stack }));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (code !== 0) reject(new Error(`a synth worker exited with code ${code}`));
    });
  });
}
