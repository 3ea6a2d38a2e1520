import { isPinnedImage, pullPolicyFor } from '../../src/constructs/pods';

const DIGEST = 'sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0';

describe('isPinnedImage', () => {
  test.each([
    ['saplings:1.0.0'],
    ['saplings:2.0.0-rc.1'],
    [`saplings@${DIGEST}`],
    [`saplings:latest@${DIGEST}`],
    ['ghcr.io/org/saplings:v2'],
    ['registry:5000/img:1.2'],
    ['registry.example.com:5000/team/img:2024-05-01'],
  ])('GIVEN %s THEN it is pinned', (image) => {
    expect(isPinnedImage(image)).toBe(true);
  });

  test.each([
    ['saplings'],
    ['saplings:latest'],
    ['ghcr.io/org/saplings'],
    ['ghcr.io/org/saplings:latest'],
    // The `:5000` is the registry's port, not a tag.
    ['registry:5000/img'],
    ['registry.example.com:5000/team/img'],
    ['registry:5000/img:latest'],
  ])('GIVEN %s THEN it is not pinned', (image) => {
    expect(isPinnedImage(image)).toBe(false);
  });
});

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
