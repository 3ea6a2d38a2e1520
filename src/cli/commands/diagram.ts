import { parseArgs } from 'node:util';
import { mermaidDiagram } from '../../targets/kubernetes/diagram';
import { renderStack } from '../../targets/kubernetes/render';
import { CliIO, Command, usageError } from '../context';
import { EXAMPLE_HELP, EXAMPLE_OPTION, MAX_CONFIG_SIZE_HELP, MAX_CONFIG_SIZE_OPTION, loadStacks, parseByteSize, parseEnvironment } from './shared';

export const diagramCommand: Command = {
  name: 'diagram',
  summary: 'Print a Mermaid flowchart of what a config deploys',
  usage: `Usage: saplings-k8s diagram [--config FILE | --example] [--env NAME] [--format mermaid]

Prints a Mermaid flowchart per stack, drawn from the synthesized objects:
Ingress → Service → Deployment, each Deployment's ConfigMap, Secret and claims,
the connections the NetworkPolicies allow, the HPA, ServiceMonitor and
PrometheusRule, and the ConfigMaps pods mount (pgvector's init script).
Paste it into a Markdown file between \`\`\`mermaid fences; GitHub renders it.
For a config with several stacks it prints Markdown: a heading and a fenced
mermaid block per stack.

Options:
  -c, --config FILE   Config file (default ./saplings.yaml, else ./saplings.yml)
${EXAMPLE_HELP}
  -e, --env NAME      Override environment
      --format F      mermaid (the only format; SVG needs a browser renderer,
                      which nothing offline provides)
${MAX_CONFIG_SIZE_HELP}`,

  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseArgs({
      args,
      options: { config: { type: 'string', short: 'c' }, env: { type: 'string', short: 'e' }, format: { type: 'string' }, ...MAX_CONFIG_SIZE_OPTION, ...EXAMPLE_OPTION },
      allowPositionals: false,
    });
    if (values.format !== undefined && values.format !== 'mermaid') {
      throw usageError(`--format must be mermaid, got "${values.format}"; SVG rendering needs a browser, which saplings-k8s does not download`);
    }
    const { stacks } = loadStacks(values.config, io, {
      environment: parseEnvironment(values.env),
      maxConfigBytes: parseByteSize(values['max-config-size']),
      example: values.example,
    });
    if (stacks.length === 1) {
      io.stdout(mermaidDiagram(renderStack(stacks[0]).objects));
      return 0;
    }
    // One Mermaid block holds one flowchart, so several stacks become Markdown with a block each.
    for (const stack of stacks) {
      io.stdout(`## ${stack.name}\n\n\`\`\`mermaid\n${mermaidDiagram(renderStack(stack).objects)}\`\`\`\n\n`);
    }
    return 0;
  },
};
