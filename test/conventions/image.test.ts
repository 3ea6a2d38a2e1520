import { imageReferenceProblem, isPinnedImage, parseImageReference } from '../../src/conventions/image';
import { checkPolicy } from '../../src/checks/policy';
import { environmentGates } from '../../src/config/gates';
import { stackConfig, render } from '../helpers/manifests';

const DIGEST = 'sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0';
const SHA512 = `sha512:${'ab'.repeat(64)}`;

describe('isPinnedImage', () => {
  test.each([
    ['saplings:1.0.0'],
    ['saplings:2.0.0-rc.1'],
    [`saplings@${DIGEST}`],
    [`saplings:latest@${DIGEST}`],
    [`saplings@${SHA512}`],
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
    // An `@` promises a digest; a malformed one pins nothing, whatever the tag says.
    ['saplings:1.0.0@sha256:abc'],
    [`saplings@${DIGEST.toUpperCase()}`],
    ['saplings@md5:0f1e2d3c4b5a69788796a5b4c3d2e1f0'],
  ])('GIVEN %s THEN it is not pinned', (image) => {
    expect(isPinnedImage(image)).toBe(false);
  });
});

describe('parseImageReference', () => {
  test.each([
    ['saplings', { repository: 'saplings' }],
    ['registry:5000/team/img:1.2', { repository: 'registry:5000/team/img', tag: '1.2' }],
    [`saplings:1.0@${DIGEST}`, { repository: 'saplings', tag: '1.0', digest: DIGEST }],
  ])('GIVEN %s THEN it splits into repository, tag and digest', (image, expected) => {
    expect(parseImageReference(image)).toStrictEqual(expected);
  });
});

describe('one meaning of "pinned"', () => {
  test.each([[`saplings@${SHA512}`, true], [`saplings@sha512:${'ab'.repeat(16)}`, false], ['saplings:latest', false]])(
    'GIVEN image %s THEN the production gate and the policy agree (pinned: %s)',
    (image, pinned) => {
      const gateRefuses = environmentGates(stackConfig({ image })).some((v) => v.path === 'image');
      const policyRefuses = checkPolicy(render({ image })).some((f) => f.rule === 'practice-image-pinned');
      expect(gateRefuses).toBe(!pinned);
      expect(policyRefuses).toBe(!pinned);
    },
  );
});

describe('imageReferenceProblem', () => {
  test.each([['saplings:1.0.0'], ['registry.example.com:5000/team/saplings:1.0.0'], [`saplings@${DIGEST}`], ['localhost/a_b/c-d:v1.2']])(
    'GIVEN %s THEN it is an image reference',
    (image) => {
      expect(imageReferenceProblem(image)).toBeUndefined();
    },
  );

  test.each([['saplings:1.0\nclick x href "javascript:alert(1)"'], ['saplings :1.0'], ['saplings:1.0\u0000']])(
    'GIVEN %j THEN whitespace and control characters are refused, and it is not pinned',
    (image) => {
      expect(imageReferenceProblem(image)).toBe('must not contain whitespace or control characters');
      expect(isPinnedImage(image)).toBe(false);
    },
  );

  test.each([['Saplings:1.0'], ['saplings:'], ['-saplings:1'], ['saplings:1.0@md5']])('GIVEN %s THEN it is not an image reference', (image) => {
    expect(imageReferenceProblem(image)).toMatch(/^must be an image reference/);
  });
});
