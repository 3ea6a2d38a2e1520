import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultStacks, loadConfigFile } from '../../../src/config/load';
import { mermaidDiagram } from '../../../src/targets/kubernetes/diagram';
import { renderStack } from '../../../src/targets/kubernetes/render';
import { ROOT, hasStackTrace, runMain, tempDir } from '../../helpers/cli';

describe('saplings-k8s diagram', () => {
  const cwd = tempDir();

  test('with --example prints the default stack\'s flowchart on stdout and exits 0', async () => {
    const run = await runMain(['diagram', '--example'], cwd);
    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(run.stdout.startsWith('flowchart ')).toBe(true);
    expect(run.stdout).toContain('Ingress_saplings_ingress --> Service_saplings_service');
    expect(run.stdout).toBe(mermaidDiagram(renderStack(defaultStacks()[0]).objects));
  });

  test('--format mermaid is the same as the default', async () => {
    expect(await runMain(['diagram', '--example', '--format', 'mermaid'], cwd)).toStrictEqual(await runMain(['diagram', '--example'], cwd));
  });

  test('draws the config it is given, with --env applied', async () => {
    const qdrant = path.join(ROOT, 'examples/qdrant.yaml');
    const run = await runMain(['diagram', '-c', qdrant], cwd);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Deployment_saplings_app == ":6333, 6334" ==> Deployment_qdrant');
    expect(run.stdout).toBe(mermaidDiagram(renderStack(loadConfigFile(qdrant)[0]).objects));

    // Development turns Redis and Qdrant auth off, so they no longer read the Secret.
    expect(run.stdout).toContain('Deployment_qdrant -. env .-> Secret_saplings_secrets');
    const dev = await runMain(['diagram', '-c', qdrant, '--env', 'development'], cwd);
    expect(dev.status).toBe(0);
    expect(dev.stdout).not.toContain('Deployment_qdrant -. env .-> Secret_saplings_secrets');
    expect(dev.stdout).toBe(mermaidDiagram(renderStack(loadConfigFile(qdrant, { environment: 'development' })[0]).objects));
  });

  test('prints Markdown with a heading and one mermaid block per stack, since a block holds one flowchart', async () => {
    const fleet = path.join(ROOT, 'examples/fleet.yaml');
    const run = await runMain(['diagram', '-c', fleet], cwd);
    expect(run.status).toBe(0);
    const [a, b] = loadConfigFile(fleet);
    const block = (name: string, diagram: string) => `## ${name}\n\n\`\`\`mermaid\n${diagram}\`\`\`\n\n`;
    expect(run.stdout).toBe(
      block('tenant-a', mermaidDiagram(renderStack(a).objects)) + block('tenant-b', mermaidDiagram(renderStack(b).objects)),
    );
  });

  test('--format svg is a usage error: exit 2, a message saying why, no stack trace', async () => {
    const run = await runMain(['diagram', '--format', 'svg'], cwd);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('--format must be mermaid, got "svg"');
    expect(run.stderr).toContain('SVG rendering needs a browser');
    expect(hasStackTrace(run.stderr)).toBe(false);
  });

  test('an invalid config exits 1 and prints no diagram', async () => {
    fs.writeFileSync(path.join(cwd, 'bad.yaml'), 'environment: production\nimage: saplings:1.0.0\nautoscaling: { minReplicas: 0 }\n');
    const run = await runMain(['diagram', '-c', 'bad.yaml'], cwd);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('bad.yaml:3:29: autoscaling.minReplicas');
    expect(hasStackTrace(run.stderr)).toBe(false);
  });
});
