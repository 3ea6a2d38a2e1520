import { z } from 'zod';
import { CloudIdShape } from '../conventions/cloud-ids';
import { imageReferenceProblem, isPinnedImage } from '../conventions/image';

/*
 * Field schemas that the stack schema (./schema.ts) and the targets' config
 * fragments (src/targets/<name>/config.ts) share. A leaf below both, so a
 * fragment never imports the schema that composes it.
 */

/** A C identifier: a valid ConfigMap/Secret key (no '.', '..' or '..data') that every shell and runtime reads as a variable. */
export const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A TCP port. */
export const port = z.int().min(1).max(65535);

/** A container image reference, as runtimes parse it; see conventions/image.ts. */
export const imageReference = z.string().min(1).superRefine((image, ctx) => {
  const problem = imageReferenceProblem(image);
  if (problem) ctx.addIssue({ code: 'custom', input: image, message: problem });
});

/** An environment variable name. */
export const envVarName = z
  .string()
  .regex(ENV_VAR_NAME, { error: 'must be an environment variable name: letters, digits and _, not starting with a digit' });

/** A string of one of the cloud identifier shapes (an ARN, a region, a subnet id). */
export const cloudId = (shape: CloudIdShape) => z.string().regex(shape.pattern, { error: `must be ${shape.help}` });

/** Why production refuses `image`, a platform's own image override, or undefined when it is pinned. */
export function unpinnedImageProblem(image: string | undefined): string | undefined {
  return image !== undefined && !isPinnedImage(image)
    ? 'must be pinned: a version tag (saplings:1.0.0) or a digest (saplings@sha256:…), never :latest or no tag (refused in production)'
    : undefined;
}
