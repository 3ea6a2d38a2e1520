import * as path from 'node:path';
import type * as DefaultStacks from '../../src/config/default-stacks';
import { computeDefaultStacks } from '../../src/config/default-stacks';
import { defaultStacks } from '../../src/config/load';
import { InputError, Problem } from '../../src/config/errors';
import { ROOT } from '../helpers/cli';

// The cache lives beside the compiled module (lib/, built by `npm test`); the source computes it afresh.
const built = require(path.join(ROOT, 'lib/src/config/default-stacks')) as typeof DefaultStacks;
const builtLoad = require(path.join(ROOT, 'lib/src/config/load')) as { defaultStacks: typeof defaultStacks };

describe('the default stacks cache that `npm run build` writes', () => {
  test('is there, and its key matches the compiled code', () => {
    expect(built.cachedDefaultStacks(undefined)).toBeDefined();
  });

  test.each([undefined, 'development', 'staging', 'production'] as const)('holds what validating the default config gives, for --env %s', (environment) => {
    expect(built.cachedDefaultStacks(environment)).toStrictEqual(computeDefaultStacks()[environment ?? '']);
  });

  test.each([undefined, 'development', 'staging', 'production'] as const)('GIVEN --env %s THEN defaultStacks gives the same stacks and warnings from the cache as computed', (environment) => {
    const outcome = (load: typeof defaultStacks) => {
      const warnings: Problem[] = [];
      try {
        return { stacks: JSON.parse(JSON.stringify(load({ environment, onWarning: (p) => warnings.push(p) }))), warnings };
      } catch (err) {
        if (!(err instanceof Error) || err.name !== InputError.name) throw err;
        return { problems: (err as InputError).problems, warnings };
      }
    };
    expect(outcome(builtLoad.defaultStacks)).toStrictEqual(outcome(defaultStacks));
  });

  test('its key changes with the code it was computed from', () => {
    // The source modules (.ts) and the compiled ones (.js) are different code, so their keys differ.
    expect(built.defaultStacksKey()).not.toBe(require('../../src/config/default-stacks').defaultStacksKey());
    expect(built.defaultStacksKey()).toMatch(/^[0-9a-f]{64}$/);
  });
});
