/*
 * The result of `saplings-k8s diff`, as plain data: the `json` format writes
 * it as it is (documented in docs/diff.md, "JSON output"), so changing a name
 * here changes a format tools read. Bump {@link DIFF_FORMAT_VERSION} then.
 */

/** Version of the JSON shape; it changes only when a field is renamed or removed. */
export const DIFF_FORMAT_VERSION = 1;

/** What happened to an object, a field or a line. */
export type ChangeKind = 'added' | 'removed' | 'changed';

/** One changed leaf field of an object or document. */
export interface FieldChange {
  /** Key path, e.g. `spec.template.spec.containers[name=app].image`. */
  readonly path: string;
  /** Added (no old value), removed (no new value) or changed. */
  readonly change: ChangeKind;
  /** The value before; absent when added or hidden. */
  readonly old?: unknown;
  /** The value after; absent when removed or hidden. */
  readonly new?: unknown;
  /** The values may hold a secret, so neither is shown. @default false */
  readonly hidden?: boolean;
}

/** One changed line of an unstructured file (nginx.conf), without context. */
export interface LineChange {
  /** `-` a line of the old file, `+` a line of the new one. */
  readonly op: '-' | '+';
  /** Its 1-based number in the old (`-`) or new (`+`) file, provenance header included. */
  readonly line: number;
  /** Its text; absent when it looks like it holds a credential. */
  readonly text?: string;
  /** The line may hold a secret, so it is not shown. @default false */
  readonly hidden?: boolean;
}

/** An object (Kubernetes), a document (Compose, ECS) or a file (nginx.conf) that differs. */
export interface UnitChange {
  /** Added, removed or changed. */
  readonly change: ChangeKind;
  /** `object` for a Kubernetes-shaped object, `document` for another structured file's document, `file` for text. */
  readonly type: 'object' | 'document' | 'file';
  /** The object's kind. Objects only. */
  readonly kind?: string;
  /** The object's apiVersion. Objects only. */
  readonly apiVersion?: string;
  /** The object's namespace, when it has one. Objects only. */
  readonly namespace?: string;
  /** The object's name. Objects only. */
  readonly name?: string;
  /** The file it is in, relative to the output directory (the new file when it moved). */
  readonly file: string;
  /** The document's 1-based number in a multi-document file, for documents that are not objects. */
  readonly document?: number;
  /** Changed fields, for a changed object or document. */
  readonly fields?: FieldChange[];
  /** Changed lines, for a changed file. */
  readonly lines?: LineChange[];
  /** Changes that only follow from others (checksum annotations), hidden unless asked for. */
  readonly noise?: FieldChange[];
}

/** The changes of one stack for one target. */
export interface StackDiff {
  /** The stack's name; `""` for files of no one stack (a root kustomization.yaml). */
  readonly stack: string;
  /** The target: kubernetes, compose, cloudrun, ecs. */
  readonly target: string;
  /** Objects, documents and files added. */
  readonly added: number;
  /** Objects, documents and files removed. */
  readonly removed: number;
  /** Objects, documents and files changed. */
  readonly changed: number;
  /** What changed, in file order. */
  readonly changes: UnitChange[];
}

/** A file whose only difference is noise. */
export interface NoiseFile {
  /** Path relative to the output directory. */
  readonly file: string;
  /** Why it is noise: `provenance header`, `record of generated files`, `checksum annotations`. */
  readonly reason: string;
  /** For `checksum annotations`: the object whose only change they are, its `fields` empty and `noise` listing them. */
  readonly change?: UnitChange;
}

/** Everything `diff` found. */
export interface DiffResult {
  /** {@link DIFF_FORMAT_VERSION}. */
  readonly version: number;
  /** What was compared against: the output directory, or `DIR at REF`. */
  readonly against: string;
  /** Whether anything but noise differs; the exit status is 1 exactly then. */
  readonly changed: boolean;
  /** Totals over every stack. */
  readonly summary: { readonly added: number; readonly removed: number; readonly changed: number; readonly noise: number };
  /** One entry per stack and target with changes, in stack then target order. */
  readonly stacks: StackDiff[];
  /** Files, and objects, whose only difference is noise. */
  readonly noise: NoiseFile[];
}
