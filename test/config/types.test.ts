import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import type { z } from 'zod';
import type { StackConfigSchema } from '../../src/config/schema';
import type { StackConfig, StackConfigInput } from '../../src/config/types';

/*
 * `saplings-k8s/config` declares its API with the plain interfaces of
 * src/config/types.ts, generated from the zod schema, so that consumers never
 * load zod's type files. The zod types remain the truth: these assertions are
 * compile errors (`npm run typecheck`) while the two disagree in either
 * direction, and the generator's check fails while the committed file is stale.
 */

/** `true` only when A and B are the same type (each assignable to the other, optional keys alike). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Mutual assignability, which tolerates `?: T` against `?: T | undefined`, as consumers see no difference. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const outputMatches: Same<StackConfig, z.output<typeof StackConfigSchema>> = true;
const inputMatches: Same<StackConfigInput, z.input<typeof StackConfigSchema>> = true;
// The test's own check can fail: a type that differs by one key is told apart.
const differs: Same<StackConfig, Omit<StackConfig, 'image'>> = false;
const strictDiffers: Equals<{ a?: string }, { a?: number }> = false;

describe('GIVEN the plain config interfaces of saplings-k8s/config', () => {
  test('THEN they are the zod schema\'s output and input types', () => {
    expect([outputMatches, inputMatches, differs, strictDiffers]).toStrictEqual([true, true, false, false]);
  });

  test('THEN src/config/types.ts is what the generator makes of the schema', () => {
    expect(() => execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'gen-config-types.js'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
