import { closestMatch } from '../../conventions/edit-distance';

/**
 * The known name closest to `key`, if it is close enough to be a typo of it:
 * at most two edits, or one in four characters of a longer key (the config's
 * suggestions allow one in three; each keeps its own so no message changes).
 */
export function closest(key: string, names: readonly string[]): string | undefined {
  return closestMatch(key, names, Math.max(2, Math.floor(key.length / 4)));
}
