import * as path from 'node:path';
import type * as ApiSchema from '../../../src/checks/k8s-validate/api-schema';
import { KUBE_VERSIONS, modelSource } from '../../../src/checks/k8s-validate/api-schema';
import { BUNDLED_KINDS, ValidatorBundle } from '../../../src/checks/k8s-validate/constraints';
import { ROOT } from '../../helpers/cli';

// What `npm run build` saves under lib/ (built by `npm test`) must be what the code computes at run time.
const lib = path.join(ROOT, 'lib/src/checks/k8s-validate');

describe('the Kubernetes API models saved at build time', () => {
  test.each(KUBE_VERSIONS)('%s: is there for the compiled code, and equals the model source read from its cdk8s-plus assembly', (version) => {
    const built = require(path.join(lib, 'api-schema')) as typeof ApiSchema;
    const cached = built.cachedModelSource(version);
    expect(cached).toBeDefined();
    expect(cached).toStrictEqual(JSON.parse(JSON.stringify(modelSource(version))));
  });
});

describe('the bundled kubernetes-models validators', () => {
  const bundle = require(path.join(lib, 'validators.bundle.js')) as ValidatorBundle;

  test('hold every bundled kind, built from the installed package versions', () => {
    expect(Object.keys(bundle.models)).toStrictEqual([...BUNDLED_KINDS]);
    const nodeModules = path.dirname(path.dirname(require.resolve('kubernetes-models/package.json')));
    for (const [dir, version] of Object.entries(bundle.versions)) expect([dir, require(path.join(nodeModules, dir, 'package.json')).version]).toStrictEqual([dir, version]);
  });

  /** Ajv's errors for `object`, or [] when it is valid. */
  const errors = (model: { prototype: { validate(this: unknown): void } }, object: unknown) => {
    try {
      model.prototype.validate.call(object);
      return [];
    } catch (e) {
      return (e as { errors?: unknown }).errors;
    }
  };

  test.each(BUNDLED_KINDS)('%s: report the same errors as kubernetes-models itself', (key) => {
    const kind = key.slice(key.lastIndexOf('/') + 1);
    const original = require(`kubernetes-models/${key}`)[kind];
    const apiVersion = key.slice(0, key.lastIndexOf('/'));
    const samples = [
      { apiVersion, kind, metadata: { name: 'ok' } },
      { apiVersion, kind, metadata: { name: 'bad', creationTimestamp: 'yesterday' }, spec: { replicas: 'three', type: 'Nowhere', ports: [{ port: 1.5 }] } },
      { apiVersion, kind, metadata: { name: 'typed', labels: { a: 1 } }, spec: 'not an object', data: { k: 2 } },
    ];
    for (const sample of samples) expect(errors(bundle.models[key](), sample)).toStrictEqual(errors(original, sample));
  });
});

describe("the bundle's V8 code cache", () => {
  test('is there, made from this very bundle (it starts with the bundle\'s sha256), and V8 takes it', () => {
    const bundleFile = path.join(lib, 'validators.bundle.js');
    const cache = require('node:fs').readFileSync(path.join(lib, 'validators.bundle.cache')) as Buffer;
    const digest = require('node:crypto').createHash('sha256').update(require('node:fs').readFileSync(bundleFile, 'utf8')).digest('hex');
    expect(cache.subarray(0, 64).toString('latin1')).toBe(digest);
    const { Script } = require('node:vm') as typeof import('node:vm');
    const source = require('node:fs').readFileSync(bundleFile, 'utf8') as string;
    const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundleFile, cachedData: cache.subarray(64) });
    expect(script.cachedDataRejected).toBe(false);
  });
});
