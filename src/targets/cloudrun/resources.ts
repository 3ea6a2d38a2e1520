import { parseQuantity } from '../../conventions/quantity';

/**
 * The CPU and memory sizes Cloud Run accepts for one instance: whole vCPUs
 * from 1 to 8 (fractions need concurrency 1 and the first generation, which
 * this service does not use), and memory in the range each CPU count allows.
 * From Cloud Run's "Configure memory limits" and "CPU limits" pages.
 */
export const CLOUD_RUN_SIZES: readonly { readonly cpu: number; readonly minMemoryMiB: number; readonly maxMemoryMiB: number }[] = [
  { cpu: 1, minMemoryMiB: 512, maxMemoryMiB: 4 * 1024 },
  { cpu: 2, minMemoryMiB: 512, maxMemoryMiB: 8 * 1024 },
  { cpu: 4, minMemoryMiB: 2 * 1024, maxMemoryMiB: 16 * 1024 },
  { cpu: 6, minMemoryMiB: 4 * 1024, maxMemoryMiB: 24 * 1024 },
  { cpu: 8, minMemoryMiB: 4 * 1024, maxMemoryMiB: 32 * 1024 },
];

/** The table above as text, for messages. */
export const CLOUD_RUN_SIZES_TABLE = CLOUD_RUN_SIZES.map(
  (s) => `${s.cpu} vCPU: ${formatMiB(s.minMemoryMiB)} to ${formatMiB(s.maxMemoryMiB)}`,
).join('; ');

/** An instance size Cloud Run accepts, as its `resources.limits`. */
export interface CloudRunSize {
  /** Whole vCPUs, as Cloud Run writes them ("2"). */
  readonly cpu: string;
  /** Memory as a Kubernetes quantity ("4Gi"). */
  readonly memory: string;
}

/**
 * The smallest size Cloud Run accepts that gives at least the CPU and memory
 * asked for: CPU rounded up to a whole count of 1, 2, 4, 6 or 8 (more if the
 * memory needs it), memory raised to that count's minimum. The memory keeps
 * its spelling when it is not raised. Undefined when no size is big enough.
 */
export function cloudRunSize(cpu: string, memory: string): CloudRunSize | undefined {
  const cores = parseQuantity(cpu) ?? Infinity;
  const memoryMiB = (parseQuantity(memory) ?? Infinity) / 2 ** 20;
  const size = CLOUD_RUN_SIZES.find((s) => s.cpu >= cores && s.maxMemoryMiB >= memoryMiB);
  if (size === undefined) return undefined;
  return { cpu: String(size.cpu), memory: memoryMiB < size.minMemoryMiB ? formatMiB(size.minMemoryMiB) : memory };
}

/** Whether Cloud Run accepts this pair of `resources.limits`, as written. */
export function isCloudRunSize(cpu: string, memory: string): boolean {
  const cores = parseQuantity(cpu);
  const memoryMiB = (parseQuantity(memory) ?? NaN) / 2 ** 20;
  return CLOUD_RUN_SIZES.some((s) => s.cpu === cores && memoryMiB >= s.minMemoryMiB && memoryMiB <= s.maxMemoryMiB);
}

function formatMiB(mib: number): string {
  return mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`;
}
