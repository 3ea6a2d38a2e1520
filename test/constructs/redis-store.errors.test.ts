import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { RedisStore, SaplingsValidationError } from '../../src';

describe('RedisStore errors', () => {
  test.each(['production', 'staging'] as const)(
    'GIVEN environment %s and no password THEN the constructor throws naming password and requirePassword',
    (environment) => {
      const create = () => new RedisStore(new Chart(new App(), 'test'), 'Redis', { environment });
      expect(create).toThrow(SaplingsValidationError);
      expect(create).toThrow(
        new Error(
          `[test/Redis] Redis requires a password in environment '${environment}', but 'password' is unset; ` +
            "set 'password' to the Secret key that holds it, or 'requirePassword: false' to run Redis without auth",
        ),
      );
    },
  );

  test('GIVEN no props at all THEN the default environment, production, requires a password', () => {
    const create = () => new RedisStore(new Chart(new App(), 'test'), 'Redis');
    expect(create).toThrow(SaplingsValidationError);
    expect(create).toThrow(
      new Error(
        "[test/Redis] Redis requires a password in environment 'production', but 'password' is unset; " +
          "set 'password' to the Secret key that holds it, or 'requirePassword: false' to run Redis without auth",
      ),
    );
  });

  test('GIVEN requirePassword: false and a password THEN the constructor throws naming both props', () => {
    const create = () => {
      const chart = new Chart(new App(), 'test');
      const secret = kplus.Secret.fromSecretName(chart, 'Secret', 'saplings-secrets');
      return new RedisStore(chart, 'Redis', { requirePassword: false, password: { secret } });
    };
    expect(create).toThrow(SaplingsValidationError);
    expect(create).toThrow(
      new Error("[test/Redis] 'requirePassword' is false, but 'password' is set; remove 'password', or drop 'requirePassword: false' to require it"),
    );
  });
});
