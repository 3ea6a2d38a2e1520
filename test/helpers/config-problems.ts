import { InputError, formatProblem } from '../../src/config/errors';
import { parseConfigText } from '../../src/config/load';

/** The rendered problem lines of a config text (file `saplings.yaml`) that must be refused; fails the test if it is accepted. */
export function configProblems(text: string): string[] {
  try {
    parseConfigText(text, 'saplings.yaml');
  } catch (err) {
    if (err instanceof InputError) return err.problems.map(formatProblem);
    throw err;
  }
  throw new Error('expected the config to be refused');
}
