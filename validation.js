// `saplings-k8s/validation` for cdk8s-cli, which `require`s a local `package:` path as a file and so ignores package.json `exports`.
module.exports = require('./lib/src/validation');
