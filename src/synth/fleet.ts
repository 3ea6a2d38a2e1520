import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { StackConfig } from '../config/types';
import type { OutputFile } from './output';
import { StackResults, Synthesized, SynthesizeOptions, finish, processStacks } from './synthesize';

/** Below this many stacks, worker start-up (~0.3 s each) costs more than it saves. */
export const PARALLEL_THRESHOLD = 64;

/** Stacks a worker is handed at a time: small enough that both threads finish together, large enough that messages are few. */
export const BATCH_SIZE = 32;

/** Options for {@link synthesizeFleet}. */
export interface FleetOptions extends SynthesizeOptions {
  /** Called after each stack, from the main thread. @default - no progress */
  readonly onProgress?: (done: number, total: number) => void;
  /** Worker threads to use for large fleets. @default - the machine's available parallelism, at most 8 */
  readonly workers?: number;
  /**
   * Workers already started (see {@link FleetWorkers.start}), so they load
   * their modules while the config is parsed. They are closed when the fleet
   * is done, whether or not they were used.
   * @default - started here when the fleet is large enough
   */
  readonly pool?: FleetWorkers;
  /**
   * Called with the files of each batch the workers finish, in any order, so
   * they can be staged while the rest renders (see StagedOutput). The run
   * fails if it throws.
   * @default - files are only returned at the end
   */
  readonly onFiles?: (files: OutputFile[]) => void;
  /**
   * Stops a fleet on worker threads: the threads are terminated at once and
   * the run rejects with the signal's reason. A fleet rendered on this thread
   * finishes first (the caller checks the signal afterwards).
   * @default - the run is not stopped
   */
  readonly signal?: AbortSignal;
  /**
   * Files of stacks a previous run rendered from the same inputs, by stack
   * name (see reusableFiles): `stacks` are then the others, which are
   * rendered, and `allStacks` every stack of the config, in order.
   * @default - every stack is rendered
   */
  readonly reused?: { readonly allStacks: readonly Pick<StackConfig, 'name'>[]; readonly files: ReadonlyMap<string, readonly OutputFile[]> };
}

/** A message from a fleet worker. */
export type WorkerMessage =
  | { type: 'progress' }
  | { type: 'done'; batch: number; results: StackResults }
  | { type: 'crash'; message: string; stack?: string };

/** A batch of stacks for a fleet worker. */
export interface WorkerBatch {
  readonly batch: number;
  readonly stacks: readonly StackConfig[];
  readonly options: SynthesizeOptions;
  readonly offset: number;
  readonly total: number;
}

/** The number of worker threads for a fleet on this machine. */
function defaultWorkerCount(): number {
  return Math.min(os.availableParallelism(), 8);
}

/**
 * Worker threads for a fleet. Started before the config is parsed, they load
 * cdk8s, the targets and the API model meanwhile; then they take batches of
 * {@link BATCH_SIZE} stacks from one queue, so a thread that gets cheap
 * stacks takes more of them.
 */
export class FleetWorkers {
  /**
   * Starts `count` workers, or none (undefined) where there is no compiled
   * worker (under ts-jest) or one thread would do.
   */
  public static start(count: number = defaultWorkerCount()): FleetWorkers | undefined {
    const file = path.join(__dirname, 'fleet-worker.js');
    if (count < 2 || !fs.existsSync(file)) return undefined;
    // Loaded here: a run without workers (a single stack) need not load Node's six worker modules.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Worker: WorkerThread } = require('node:worker_threads') as typeof import('node:worker_threads');
    return new FleetWorkers(Array.from({ length: count }, () => new WorkerThread(file)));
  }

  private startError: unknown;

  private constructor(private readonly workers: readonly Worker[]) {
    for (const worker of workers) {
      // Until run(), idle workers must not keep a run that fails early (a bad config) from exiting.
      worker.unref();
      worker.on('error', (err) => (this.startError ??= err));
    }
  }

  /** How many threads there are. */
  public get size(): number {
    return this.workers.length;
  }

  /** Renders and checks `stacks` in batches, and gives each batch's results in config order. */
  public run(
    stacks: readonly StackConfig[],
    options: SynthesizeOptions,
    tick: () => void,
    onFiles?: (files: OutputFile[]) => void,
    signal?: AbortSignal,
  ): Promise<StackResults[]> {
    const total = stacks.length;
    const batches = Math.ceil(total / BATCH_SIZE);
    const results: StackResults[] = new Array(batches);
    let next = 0;
    let finished = 0;
    return new Promise((resolve, reject) => {
      if (this.startError !== undefined) {
        reject(this.startError);
        return;
      }
      // Messages already on their way when the run fails are dropped: nothing is staged after it ends.
      let settled = false;
      const failed = (err: unknown) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', aborted);
        this.close();
        reject(err);
      };
      const aborted = () => failed(signal?.reason);
      if (signal?.aborted) {
        aborted();
        return;
      }
      signal?.addEventListener('abort', aborted, { once: true });
      const feed = (worker: Worker) => {
        if (next >= batches) return;
        const batch = next++;
        const offset = batch * BATCH_SIZE;
        const message: WorkerBatch = { batch, stacks: stacks.slice(offset, offset + BATCH_SIZE), options, offset, total };
        worker.postMessage(message);
      };
      for (const worker of this.workers) {
        worker.ref();
        worker.on('message', (message: WorkerMessage) => {
          if (settled) return;
          if (message.type === 'progress') tick();
          else if (message.type === 'crash') failed(Object.assign(new Error(message.message), { stack: message.stack }));
          else {
            results[message.batch] = message.results;
            // The next batch first, so the worker renders while this thread stages.
            feed(worker);
            try {
              onFiles?.(message.results.files.flat());
            } catch (err) {
              failed(err);
              return;
            }
            if (++finished === batches) {
              settled = true;
              signal?.removeEventListener('abort', aborted);
              resolve(results);
            }
          }
        });
        worker.on('error', failed);
        worker.on('exit', (code) => {
          if (code !== 0 && finished < batches) failed(new Error(`a synth worker exited with code ${code}`));
        });
        feed(worker);
      }
    });
  }

  /** Stops every thread. */
  public close(): void {
    for (const worker of this.workers) {
      worker.removeAllListeners('exit');
      void worker.terminate();
    }
  }
}

/**
 * {@link synthesize} for fleets: large configs are rendered and checked on
 * worker threads, one per core, because that work is CPU-bound and each
 * stack is independent. The output is byte-identical to a single-threaded
 * run, in config order.
 */
export async function synthesizeFleet(stacks: readonly StackConfig[], options: FleetOptions): Promise<Synthesized> {
  const total = stacks.length;
  let done = 0;
  const tick = () => options.onProgress?.(++done, total);
  const { onProgress: _onProgress, workers: count, pool: started, onFiles, signal, reused, ...synthOptions } = options;
  const all = reused?.allStacks ?? stacks;
  const parallel = total >= PARALLEL_THRESHOLD && (count ?? 2) >= 2;
  if (!parallel) {
    started?.close();
    return finish(all, [processStacks(stacks, synthOptions, 0, total, tick)], synthOptions, reused?.files);
  }
  const pool = started ?? FleetWorkers.start(Math.min(count ?? defaultWorkerCount(), Math.ceil(total / BATCH_SIZE)));
  // Under ts-jest there is no compiled worker; the in-process path gives the same output.
  if (!pool) return finish(all, [processStacks(stacks, synthOptions, 0, total, tick)], synthOptions, reused?.files);
  try {
    return finish(all, await pool.run(stacks, synthOptions, tick, onFiles, signal), synthOptions, reused?.files);
  } finally {
    pool.close();
  }
}
