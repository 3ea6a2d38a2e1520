import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { addDuplicateNamesValidation } from './errors';

/** Names claimed so far in each app, by kind and namespace. */
const CLAIMED = new WeakMap<IConstruct, Set<string>>();

/**
 * The name prefix of a `kind` construct (`RedisStore`, `VectorDb`,
 * `SaplingsApp`), so two of them in one namespace never collide.
 *
 * A name given in props is used as written. The first construct of a kind
 * created in a namespace (in construct-creation order, across the app's
 * charts) that leaves its name out gets `defaultName`, as it always has, so
 * an upgrade keeps its objects, selectors and claims. Each later one is named
 * from its construct id: `Sessions` → `redis-sessions`, `Redis2` → `redis2`.
 *
 * Every construct that calls this also adds the app-wide duplicate rule
 * ({@link addDuplicateNamesValidation}), so names given twice fail synth.
 */
export function uniqueName(scope: IConstruct, kind: string, given: string | undefined, defaultName: string): string {
  addDuplicateNamesValidation(scope);
  const root = scope.node.root;
  const claimed = CLAIMED.get(root) ?? new Set<string>();
  CLAIMED.set(root, claimed);
  const key = (name: string) => JSON.stringify([kind, Chart.of(scope).namespace ?? '', name]);
  const name = given ?? (claimed.has(key(defaultName)) ? nameFromId(scope.node.id, defaultName) : defaultName);
  claimed.add(key(name));
  return name;
}

/** A DNS label from a construct id, prefixed by the default name unless it starts with it. */
function nameFromId(id: string, defaultName: string): string {
  const label = id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return label.startsWith(defaultName) && label !== defaultName ? label : `${defaultName}-${label}`;
}
