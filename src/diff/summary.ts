import { OutputFile } from '../synth/output';
import { DiffLayout, compareFiles } from './compare';
import { formatSummary } from './format';
import { filesOnDisk } from './sources';

/**
 * What `synth --check` can print under its list of files: the summary
 * `saplings-k8s diff` ends with (a line per stack and target, then the
 * totals), for the output directory against the files synth would write.
 * Reads only; no value is shown, so nothing needs hiding.
 */
export function outputChangeSummary(outDir: string, files: readonly OutputFile[], layout: DiffLayout, shownDir: string): string {
  const after = new Map(files.map((f) => [f.path, f.content]));
  return formatSummary(compareFiles(filesOnDisk(outDir, files, shownDir), after, { layout, against: shownDir }));
}
