import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

test('crd-schemas.generated.ts is what scripts/gen-crd-schemas.js makes of the CRDs in test/fixtures/crds', () => {
  const script = path.join(__dirname, '../../../scripts/gen-crd-schemas.js');
  // Exits 1, and so throws, while the committed file differs.
  expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
});
