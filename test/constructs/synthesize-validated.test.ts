import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { SaplingsApp, SaplingsValidationError, validateConstructs } from '../../src';
import { synthesizeValidated } from '../../src/constructs/errors';

/*
 * synthesizeValidated renders a chart once and looks for validateConstructs'
 * problems in the rendered objects; whatever it finds, or whatever cdk8s
 * refuses, it reports by running validateConstructs. So for any chart it
 * throws exactly what validateConstructs throws, and otherwise gives what
 * chart.toJson() gives.
 */

/** What `run` throws for the chart, or 'no error'. */
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error instanceof SaplingsValidationError ? { problems: error.problems } : error;
  }
  return 'no error';
}

const charts: Record<string, () => Chart> = {
  'a field rule broken in a cdk8s-plus object (no addValidation rule of its own)': () => {
    const chart = Testing.chart();
    new kplus.Deployment(chart, 'Web', { metadata: { name: 'web' } }).addContainer({ name: 'Web_Server', image: 'web:1.0.0' });
    return chart;
  },
  'two objects of one kind, namespace and name': () => {
    const chart = new Chart(new App(), 'stack');
    // Given the same name: without one, the second would be named from its id (unique-names.ts).
    new SaplingsApp(chart, 'First', { name: 'same', image: 'saplings:1.0.0' });
    new SaplingsApp(chart, 'Second', { name: 'same', image: 'saplings:1.0.0' });
    return chart;
  },
  'a failed addValidation rule': () => {
    const chart = Testing.chart();
    new kplus.ConfigMap(chart, 'Config', { metadata: { name: 'config' } });
    new Construct(chart, 'Rule').node.addValidation({ validate: () => ['always refused'] });
    return chart;
  },
  'a broken object in a chart inside the chart': () => {
    const chart = Testing.chart();
    new kplus.ConfigMap(chart, 'Config', { metadata: { name: 'config' } });
    new kplus.Deployment(new Chart(chart, 'Inner'), 'Web', { metadata: { name: 'web' } }).addContainer({ name: 'Web_Server', image: 'web:1.0.0' });
    return chart;
  },
};

describe('synthesizeValidated', () => {
  test.each(Object.keys(charts))('GIVEN %s THEN it throws what validateConstructs throws', (name) => {
    const expected = thrown(() => validateConstructs(charts[name]()));
    expect(expected).toMatchObject({ problems: expect.any(Array) });
    expect(thrown(() => synthesizeValidated(charts[name]()))).toStrictEqual(expected);
  });

  test('GIVEN a valid chart THEN it gives the objects chart.toJson() gives', () => {
    const make = () => {
      const chart = new Chart(new App(), 'stack');
      new SaplingsApp(chart, 'App', { image: 'saplings:1.0.0' });
      return chart;
    };
    const objects = synthesizeValidated(make());
    expect(objects.length).toBeGreaterThan(3);
    expect(objects).toStrictEqual(make().toJson());
  });
});
