/**
 * `saplings-k8s/config`: the config file API. The loader with positioned
 * problems, the config's types, and the functions that turn a validated config
 * into objects and files, as the CLI does.
 *
 * It is an entry of its own so that `saplings-k8s`, the constructs, loads
 * neither zod nor the YAML parser. Its declarations name no zod type:
 * `StackConfig` and `StackConfigInput` are plain interfaces generated from the
 * schema, so they compile in a stock cdk8s project (zod's type files need
 * esModuleInterop). The zod schema itself is `saplings-k8s/config/schema`. It lives beside src/config/
 * rather than in it, because it also reaches the Kubernetes target, and the
 * config itself never loads constructs.
 *
 * Every name is listed: test/public-api.test.ts freezes the runtime exports.
 *
 * @module saplings-k8s/config
 */
export { StackConfig, StackConfigInput } from './config/types';
export { MAX_STACK_NAME_LENGTH } from './config/stack-name';
export { DEFAULT_CONFIG, LoadOptions, LoadedConfig, defaultStacks, loadConfig, loadConfigFile, locateProblems, parseConfigText } from './config/load';
export { InputError, Problem, formatProblem } from './config/errors';
export { SaplingsError } from './conventions/diagnostic';
export type { Diagnostic, SaplingsErrorKind } from './conventions/diagnostic';
export { TextPosition } from './config/yaml';
export { stackPropsFromConfig } from './targets/kubernetes/stack-props';
export { renderStack, toYaml, RenderedStack } from './targets/kubernetes/render';
export { synthesize, SynthesizeOptions, Synthesized } from './synth/synthesize';
export { synthesizeToDirectory, SynthesizeToDirectoryOptions, SynthesizeToDirectoryResult } from './synth/pipeline';
export {
  Target,
  TargetEntry,
  TargetOptions,
  RenderOptions,
  TargetOutput,
  CheckSubject,
  OutputFile,
  asCheckedDocument,
  registerTarget,
  targetEntries,
} from './targets';
