/**
 * `saplings-k8s/config/schema`: the zod schema of one stack document, for
 * those who compose it into schemas of their own. Opt in: its declarations
 * are zod's, which a consumer compiles only with `esModuleInterop` (or
 * `skipLibCheck`); `saplings-k8s/config` has everything else without zod types.
 *
 * Every name is listed: test/public-api.test.ts freezes the runtime exports.
 *
 * @module saplings-k8s/config/schema
 */
export { StackConfigSchema } from './config/schema';
// A target's config fragment, as a target written outside the package declares its own key (docs/targets/writing-a-target.md).
export type { TargetConfig, TargetConfigIssue } from './targets/target-config';
