import { StackConfigInput } from '../../../src/config/schema';
import { composeTarget } from '../../../src/targets/compose';
import { nginxSizeProblem } from '../../../src/targets/compose/defaults';
import { configProblems } from '../../helpers/config-problems';
import { tempDir } from '../../helpers/cli';
import { stackConfig } from '../../helpers/manifests';
import { testWithTool } from '../../helpers/tools';
import { NGINX_IN_NAMESPACE, nginxTest, writeTestCertificate } from './real-clients';

/*
 * Issue 20 item 7, nginx: every size and rate synth writes into nginx.conf is
 * one nginx accepts; what nginx would refuse is refused at config time.
 */

const OPTIONS = { source: 'test.yaml', header: '', location: { file: 'test.yaml' } };
const nginxConf = (overrides: Partial<StackConfigInput>): string =>
  composeTarget.render(stackConfig(overrides), OPTIONS).files.find((f) => f.path.endsWith('/nginx.conf'))!.content;

// The largest size of each unit that fits nginx's off_t (2^63-1 bytes), and one more.
const LARGEST = ['9223372036854775807', '9007199254740991k', '8796093022207m', '8589934591G'];
const TOO_LARGE = ['9223372036854775808', '9007199254740992k', '8796093022208M', '8589934592g', '99999999999999999999g'];

test('sizes up to what nginx holds are accepted, larger ones and other shapes are refused naming the limit', () => {
  for (const size of [...LARGEST, '0', '10m', '010m']) expect({ size, problem: nginxSizeProblem(size) }).toStrictEqual({ size, problem: undefined });
  for (const size of TOO_LARGE) expect(nginxSizeProblem(size)).toMatch(/^must be at most \d+[kmgKMG]? \(nginx refuses larger sizes\), got "/);
  for (const size of ['10 m', '1t', '-1', '1.5m', '']) expect(nginxSizeProblem(size)).toMatch(/^must be an nginx size/);
});

test('the config names the file, line and column of an oversized ingress.maxBodySize', () => {
  expect(configProblems('environment: production\nimage: saplings:1.0.0\ningress:\n  maxBodySize: 99999999999999999999g\n')).toStrictEqual([
    'saplings.yaml:4:16: ingress.maxBodySize: must be at most 8589934591g (nginx refuses larger sizes), got "99999999999999999999g"',
  ]);
});

testWithTool(...NGINX_IN_NAMESPACE, 'show that nginx accepts the sizes and rates synth accepts')('what synth accepts, nginx -t accepts: the largest sizes and the largest rate', () => {
  const etc = tempDir('saplings-nginx-limits-');
  writeTestCertificate(etc);
  for (const maxBodySize of LARGEST) {
    expect({ maxBodySize, ...nginxTest(nginxConf({ ingress: { maxBodySize } }), etc, []) }).toStrictEqual({ maxBodySize, status: 0, output: '' });
  }
  const rateLimitRps = Number.MAX_SAFE_INTEGER;
  expect({ rateLimitRps, ...nginxTest(nginxConf({ ingress: { rateLimitRps } }), etc, []) }).toStrictEqual({ rateLimitRps, status: 0, output: '' });
  // And one size past the limit is refused by nginx as by the config.
  const conf = nginxConf({}).replace(/client_max_body_size [^;]+;/, `client_max_body_size ${TOO_LARGE[3]};`);
  expect(nginxTest(conf, etc, [])).toMatchObject({ status: 1, output: expect.stringContaining('"client_max_body_size" directive invalid value') });
});
