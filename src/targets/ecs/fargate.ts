import { parseQuantity } from '../../conventions/quantity';

/** One Fargate task CPU size and the memory sizes it may have. */
export interface FargateCpu {
  /** CPU units (1024 per vCPU). */
  readonly cpu: number;
  /** The memory sizes allowed with it, in MiB, ascending. */
  readonly memory: readonly number[];
  /** The same, as the AWS documentation writes it, for messages. */
  readonly described: string;
}

function steps(fromGiB: number, toGiB: number, stepGiB: number): number[] {
  const sizes: number[] = [];
  for (let gib = fromGiB; gib <= toGiB; gib += stepGiB) sizes.push(gib * 1024);
  return sizes;
}

/** The task CPU and memory pairs Fargate runs (Amazon ECS Developer Guide, "Task CPU and memory"). */
export const FARGATE_SIZES: readonly FargateCpu[] = [
  { cpu: 256, memory: [512, 1024, 2048], described: '256 (.25 vCPU): 512 MiB, 1 GiB or 2 GiB' },
  { cpu: 512, memory: steps(1, 4, 1), described: '512 (.5 vCPU): 1 to 4 GiB in 1 GiB steps' },
  { cpu: 1024, memory: steps(2, 8, 1), described: '1024 (1 vCPU): 2 to 8 GiB in 1 GiB steps' },
  { cpu: 2048, memory: steps(4, 16, 1), described: '2048 (2 vCPU): 4 to 16 GiB in 1 GiB steps' },
  { cpu: 4096, memory: steps(8, 30, 1), described: '4096 (4 vCPU): 8 to 30 GiB in 1 GiB steps' },
  { cpu: 8192, memory: steps(16, 60, 4), described: '8192 (8 vCPU): 16 to 60 GiB in 4 GiB steps' },
  { cpu: 16384, memory: steps(32, 120, 8), described: '16384 (16 vCPU): 32 to 120 GiB in 8 GiB steps' },
];

/** The table, for messages. */
export const FARGATE_TABLE = `Fargate task sizes (CPU units: memory): ${FARGATE_SIZES.map((s) => s.described).join('; ')}`;

/** A task size Fargate runs: CPU units and MiB, as a task definition writes them. */
export interface FargateSize {
  /** CPU units (1024 per vCPU). */
  readonly cpu: number;
  /** Memory in MiB. */
  readonly memory: number;
}

/**
 * The smallest Fargate task size with at least the CPU and memory of the
 * container's limits (Kubernetes quantities: `2000m`, `4Gi`): the least CPU
 * that can hold the memory, then the least memory of that CPU. Undefined when
 * no size is big enough.
 */
export function fargateSize(cpu: string, memory: string): FargateSize | undefined {
  const units = (parseQuantity(cpu) ?? Infinity) * 1024;
  const mib = (parseQuantity(memory) ?? Infinity) / 2 ** 20;
  for (const size of FARGATE_SIZES) {
    if (size.cpu < units) continue;
    const fit = size.memory.find((m) => m >= mib);
    if (fit !== undefined) return { cpu: size.cpu, memory: fit };
  }
  return undefined;
}

/**
 * Whether a task definition's `cpu` and `memory` are a pair Fargate runs.
 * ECS reads CPU units or `1 vCPU`, and MiB or `2 GB` (which it takes as GiB).
 */
export function isFargateSize(cpu: unknown, memory: unknown): boolean {
  const units = inUnits(cpu, /^\s*([\d.]+)\s*vcpu\s*$/i, 1024);
  const mib = inUnits(memory, /^\s*([\d.]+)\s*gb\s*$/i, 1024);
  return FARGATE_SIZES.some((s) => s.cpu === units && s.memory.includes(mib));
}

function inUnits(value: unknown, scaled: RegExp, scale: number): number {
  const match = typeof value === 'string' ? scaled.exec(value) : null;
  return match ? Number(match[1]) * scale : typeof value === 'string' && value.trim() === '' ? NaN : Number(value);
}

/**
 * Fargate's stop timeout ceiling: "For tasks that use the Fargate launch type,
 * the max stop timeout value is 120 seconds".
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html
 */
export const FARGATE_MAX_STOP_TIMEOUT = 120;
