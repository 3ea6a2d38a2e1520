import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, runCli, snapshotDir, tempDir } from '../helpers/cli';

/*
 * Two synth runs of one config, each in a process of its own, write the same
 * bytes: nothing in the output depends on the process (hash seeds, pids, time).
 * Runs within one process, and the absence of timestamps and generated hashes,
 * are tested in test/cli/commands/synth.layout.test.ts.
 */

/** Three stacks unlike each other: plain, qdrant with sync waves, staging with external secrets and pgvector. */
const THREE_STACKS = `name: alpha
environment: production
image: saplings:1.0.0
ingress: { host: alpha.example.com }
---
name: beta
environment: production
image: saplings:1.0.0
ingress: { host: beta.example.com }
vectorDb: { enabled: true, engine: qdrant }
gitops: { syncWaves: true }
---
name: gamma
environment: staging
image: saplings:1.0.0
ingress: { host: gamma.example.com }
secrets:
  source: external
  keys: [OPENAI_API_KEY, ANTHROPIC_API_KEY, ENCRYPTION_KEY]
  external: { storeName: vault }
vectorDb: { enabled: true, engine: pgvector }
`;

describe.each(['file-per-stack', 'file-per-resource'])('synth is deterministic across processes (%s)', (layout) => {
  test.each([
    ['examples/saplings.yaml', path.join(ROOT, 'examples/saplings.yaml')],
    ['a 3-stack config', 'three.yaml'],
  ])('two runs of %s, in separate processes and directories, write the same bytes', (_name, config) => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'three.yaml'), THREE_STACKS);
    for (const out of ['first', 'second']) {
      const run = runCli(['synth', '-c', config, '--layout', layout, '--out', out], cwd);
      expect({ status: run.status, stderr: run.stderr }).toMatchObject({ status: 0 });
    }
    const first = snapshotDir(path.join(cwd, 'first'));
    expect(Object.keys(first).length).toBeGreaterThan(0);
    expect(snapshotDir(path.join(cwd, 'second'))).toStrictEqual(first);
  });
});
