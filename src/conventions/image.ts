/**
 * Container image references, parsed once so that "pinned" means the same in
 * the config gates, the constructs' pull policy and the policy check.
 */

/** The parts of an image reference that decide whether it is pinned. */
export interface ImageReference {
  /** The image without tag and digest, registry and port included (`registry:5000/team/app`). */
  readonly repository: string;
  /** The tag, when one is given. */
  readonly tag?: string;
  /** The digest (`sha256:<64 hex>`, `sha512:<128 hex>`), when one is given and well-formed. */
  readonly digest?: string;
}

/**
 * Digests as the OCI image spec defines them: a registered algorithm and its
 * lower-case hex encoding of the right length.
 */
const DIGEST = /^(?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/;

// The reference grammar of the distribution project (docker/distribution reference.go), which
// container runtimes parse image references with: [domain[:port]/]path[/path...][:tag][@digest].
const DOMAIN = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?)';
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const ANY_DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@${ANY_DIGEST})?$`);

/**
 * Why a string is not an image reference a container runtime would accept,
 * or undefined when it is. Whitespace and control characters are refused
 * with the rest: an image is written into manifests, diagrams and logs.
 */
export function imageReferenceProblem(image: string): string | undefined {
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(image)) return 'must not contain whitespace or control characters';
  if (image.length > 4096 || !REFERENCE.test(image)) {
    return 'must be an image reference: [registry[:port]/]name[:tag][@digest], with a lowercase name (registry.example.com/team/saplings:1.0.0)';
  }
  return undefined;
}

/** Splits an image reference into repository, tag and digest. */
export function parseImageReference(image: string): ImageReference {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const nameAndTag = at >= 0 ? image.slice(0, at) : image;
  // A colon before the last slash belongs to a registry port (`registry:5000/app`), not a tag.
  const colon = nameAndTag.lastIndexOf(':');
  const tag = colon > nameAndTag.lastIndexOf('/') ? nameAndTag.slice(colon + 1) : undefined;
  return {
    repository: tag === undefined ? nameAndTag : nameAndTag.slice(0, colon),
    ...(tag !== undefined && tag !== '' ? { tag } : {}),
    ...(digest !== undefined && DIGEST.test(digest) ? { digest } : {}),
  };
}

/**
 * Whether an image reference names a digest, or a tag other than `latest`.
 * A reference with an `@` must carry a well-formed digest: a malformed one
 * pins nothing, whatever its tag says.
 */
export function isPinnedImage(image: string): boolean {
  if (imageReferenceProblem(image) !== undefined) return false;
  const ref = parseImageReference(image);
  if (image.includes('@')) return ref.digest !== undefined;
  return ref.tag !== undefined && ref.tag !== 'latest';
}

/** Why an image reference is not acceptable for a reproducible deploy. */
export function unpinnedImageMessage(image: string): string {
  return `"${image}" is not pinned; use a version tag (saplings:1.0.0) or a digest (saplings@sha256:…), never :latest or no tag`;
}
