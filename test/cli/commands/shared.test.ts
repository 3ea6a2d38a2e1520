import { SaplingsError } from '../../../src/conventions/diagnostic';
import { parseByteSize } from '../../../src/cli/commands/shared';

describe('--max-config-size', () => {
  it.each([
    [undefined, 10 * 1024 * 1024],
    ['5000000', 5_000_000],
    ['20MiB', 20 * 1024 * 1024],
    ['20Mi', 20 * 1024 * 1024],
    ['2M', 2_000_000],
    ['512KiB', 512 * 1024],
    ['1GiB', 1024 ** 3],
  ])('reads %s as %d bytes', (value, bytes) => {
    expect(parseByteSize(value)).toBe(bytes);
  });

  it.each([['lots'], ['0'], ['-5M'], ['10 parsecs']])('refuses %j as a usage error', (value) => {
    expect(() => parseByteSize(value)).toThrow(expect.objectContaining({ kind: 'usage' }) as SaplingsError);
    expect(() => parseByteSize(value)).toThrow(`--max-config-size must be a size such as 20MiB or 5000000, got "${value}"`);
  });
});
