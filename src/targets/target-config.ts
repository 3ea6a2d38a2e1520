import type { z } from 'zod';
import type { StackConfig } from '../config/types';

// Type-only imports, like ./target.ts: the schema loads a target's fragment
// (its config.ts) without its render code.

/** A problem a {@link TargetConfig.stackRules} finds, at a path under the target's key. */
export interface TargetConfigIssue {
  /** Where, relative to the target's key: `['secrets', 'API_KEY', 'version']`. */
  readonly path: readonly PropertyKey[];
  /** The value found there, for the message's position; never shown when the path can hold a secret. */
  readonly input: unknown;
  /** What is wrong and what to do instead. */
  readonly message: string;
}

/**
 * A target's part of the config file: one top-level key of each stack
 * document (`ecs:`), validated by the target's zod schema with its defaults
 * and `.describe()` texts, which the JSON Schema and the config reference show.
 *
 * The module exporting it is the target's `config.ts`, which imports no render
 * code: every config load reads it, whichever targets are selected.
 */
export interface TargetConfig<K extends string = string, S extends z.ZodType = z.ZodType> {
  /** The stack's top-level key. */
  readonly key: K;
  /** The key's schema: optional (`.optional()`) unless every stack must set it; described with `.describe()`. */
  readonly schema: S;
  /**
   * Rules that relate the key to the rest of the stack (production's pinned
   * images), run after the stack's own rules when the key is set.
   * @default - none
   */
  stackRules?(own: NonNullable<z.output<S>>, stack: StackConfig, report: (issue: TargetConfigIssue) => void): void;
}
