/** Synthesized manifests are plain JSON; `any` keeps the assertions short. */
export type Manifest = Record<string, any>;

/** Every object of `kind`. */
export function objectsOfKind(manifests: Manifest[], kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind);
}

/** The only object of `kind`; fails the test if there are none or several. */
export function onlyOfKind(manifests: Manifest[], kind: string): Manifest {
  const found = objectsOfKind(manifests, kind);
  expect(found).toHaveLength(1);
  return found[0];
}
