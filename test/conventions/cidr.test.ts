import { PRIVATE_IPV4_RANGES, cidrContains } from '../../src/conventions/cidr';

describe('cidrContains', () => {
  test.each([
    ['0.0.0.0/0', '10.0.0.0/8'],
    ['0.0.0.0/0', '169.254.0.0/16'],
    ['10.0.0.0/8', '10.1.0.0/16'],
    ['10.0.0.0/8', '10.255.255.255/32'],
    ['172.16.0.0/12', '172.31.0.0/16'],
    ['128.0.0.0/1', '200.0.0.0/8'],
    ['10.0.0.0/31', '10.0.0.1/32'],
  ])('GIVEN %s and %s THEN the second lies inside the first', (outer, inner) => {
    expect(cidrContains(outer, inner)).toBe(true);
  });

  test.each([
    // Equal ranges: a NetworkPolicy ipBlock's `except` must be strictly inside its `cidr`.
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    // The wider range is not inside the narrower one.
    ['10.0.0.0/16', '10.0.0.0/8'],
    ['203.0.113.0/24', '10.0.0.0/8'],
    // Just outside 172.16.0.0/12, which ends at 172.31.255.255.
    ['172.16.0.0/12', '172.32.0.0/16'],
    ['10.0.0.0/8', '11.0.0.0/16'],
    ['128.0.0.0/1', '100.0.0.0/8'],
  ])('GIVEN %s and %s THEN the second is not strictly inside the first', (outer, inner) => {
    expect(cidrContains(outer, inner)).toBe(false);
  });

  test.each([
    ['::/0', '10.0.0.0/8'],
    ['0.0.0.0/0', 'fd00::/8'],
    ['256.0.0.0/8', '10.0.0.0/16'],
    ['10.0.0.0/8', '10.0.0.300/24'],
    ['10.0.0.0/33', '10.0.0.0/34'],
    ['10.0.0.0', '10.0.0.0/16'],
    ['', '10.0.0.0/16'],
  ])('GIVEN IPv6 or malformed input (%s, %s) THEN it is false', (outer, inner) => {
    expect(cidrContains(outer, inner)).toBe(false);
  });
});

describe('PRIVATE_IPV4_RANGES', () => {
  test('THEN they are RFC 1918, link-local (cloud metadata) and CGNAT', () => {
    expect(PRIVATE_IPV4_RANGES).toStrictEqual(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10']);
  });

  test('THEN each lies inside 0.0.0.0/0, so all are carved out of the default internet egress', () => {
    expect(PRIVATE_IPV4_RANGES.filter((range) => cidrContains('0.0.0.0/0', range))).toStrictEqual([...PRIVATE_IPV4_RANGES]);
  });

  test('THEN the cloud metadata address 169.254.169.254 is in one of them', () => {
    expect(PRIVATE_IPV4_RANGES.some((range) => cidrContains(range, '169.254.169.254/32'))).toBe(true);
  });
});
