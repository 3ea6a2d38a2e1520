/**
 * Text as a Helm chart must hold it to render back to itself. Helm runs every
 * file of a chart's templates/ through Go's text/template, where `{{` opens an
 * action (https://helm.sh/docs/chart_template_guide/getting_started/), so the
 * Prometheus and Grafana templates we emit (`{{ $value | humanizePercentage }}`,
 * `{{pod}}`) fail to parse or render wrong. Each `{{` becomes the action
 * {{ `{{` }}, which prints `{{` (a raw string constant,
 * https://pkg.go.dev/text/template#hdr-Arguments); a `}}` outside an action
 * is plain text, so it stays. A raw string rather than "{{" adds no double
 * quote, so YAML quotes the value as it did before and the rendered files are
 * byte for byte the unescaped ones.
 */
export function escapeForHelm(text: string): string {
  return text.replace(/\{\{/g, '{{ `{{` }}');
}
