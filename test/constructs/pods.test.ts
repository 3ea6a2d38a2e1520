import { pullPolicyFor } from '../../src/constructs/pods';

const DIGEST = 'sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0';

describe('pullPolicyFor', () => {
  test.each([
    ['saplings:1.0.0', 'IfNotPresent'],
    [`saplings@${DIGEST}`, 'IfNotPresent'],
    ['registry:5000/img:1.2', 'IfNotPresent'],
    ['saplings:latest', 'Always'],
    ['saplings', 'Always'],
    ['registry:5000/img', 'Always'],
  ])('GIVEN %s THEN it is %s', (image, policy) => {
    expect(pullPolicyFor(image)).toBe(policy);
  });
});
