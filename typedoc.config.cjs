// `npm run docs`: the library API reference, from the TSDoc of what the two
// entry points export, into docs/api/ (generated on demand, not committed).
const { OptionDefaults } = require('typedoc');

/** @type {Partial<import('typedoc').TypeDocOptions>} */
module.exports = {
  name: 'saplings-k8s',
  entryPoints: ['src/index.ts', 'src/config-api.ts'],
  tsconfig: 'tsconfig.json',
  out: 'docs/api',
  readme: 'none',
  excludePrivate: true,
  excludeInternal: true,
  excludeExternals: true,
  // cdk8s import writes @schema on the CRD bindings in imports/.
  blockTags: [...OptionDefaults.blockTags, '@schema'],
  validation: { notExported: false, invalidLink: true, notDocumented: false },
};
