import { Finding } from '../../src/checks/findings';
import { TargetEntry } from '../../src/targets';
import { Target, asCheckedDocument } from '../../src/targets/target';

/**
 * A test-only target in a format without comments: one `<name>.fake.json` per
 * stack, holding the image and `app.config`, so it cannot carry the
 * provenance header and must be recorded in the manifest of generated files.
 * It requires `app.maxWorkers`, which the schema leaves unset unless a stack
 * sets it, and refuses more than 32 workers with a check of its own.
 */
export const fakeJsonTarget: Target = {
  name: 'fake-json',
  requires: ['app.maxWorkers'],

  render(stack) {
    const file = `${stack.name}.fake.json`;
    const document = { service: stack.name, image: stack.image, workers: stack.app.maxWorkers, environment: stack.app.config };
    return {
      files: [{ path: file, content: `${JSON.stringify(document, null, 2)}\n` }],
      checks: [{ objects: [asCheckedDocument('FakeService', stack.name, document)], kubernetes: false, file }],
    };
  },

  check(output, stack): Finding[] {
    return workerFindings(output.files[0].path, stack.name, stack.app.maxWorkers);
  },

  checkFile(file, text): Finding[] {
    let document: { service?: string; workers?: number };
    try {
      document = JSON.parse(text);
    } catch {
      return [{ severity: 'error', rule: 'fake-syntax', file, object: 'document #1', path: '', message: 'is not JSON' }];
    }
    return workerFindings(file, document.service ?? '', document.workers);
  },
};

function workerFindings(file: string, service: string, workers: number | undefined): Finding[] {
  if ((workers ?? 0) <= 32) return [];
  return [{ severity: 'error', rule: 'fake-workers', file, object: `FakeService/${service}`, path: 'workers', message: 'at most 32' }];
}

/** The registry entry of {@link fakeJsonTarget}; its module is this file, which jest loads as TypeScript. */
export const FAKE_JSON_TARGET: TargetEntry = { name: 'fake-json', module: __filename, exportName: 'fakeJsonTarget', files: /\.fake\.json$/ };
