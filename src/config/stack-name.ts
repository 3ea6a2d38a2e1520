import { appObjectNames } from '../conventions/names';

/** The longest suffix a stack appends to `name`, so every derived name stays ≤ 63 characters. */
const LONGEST_NAME_SUFFIX = Math.max(...Object.values(appObjectNames('')).map((n) => n.length));

/** Longest `name` a stack may have. */
export const MAX_STACK_NAME_LENGTH = 63 - LONGEST_NAME_SUFFIX;
