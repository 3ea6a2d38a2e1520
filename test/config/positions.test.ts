import { InputError, Problem, formatProblem } from '../../src/config/errors';
import { parseConfigText } from '../../src/config/load';

/** The problems `text` is refused with, as `path @ line:column`. */
function problemsOf(text: string, options = {}): string[] {
  try {
    parseConfigText(text, 'saplings.yaml', options);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return err.problems.map((p: Problem) => `${p.path} @ ${p.position ? `${p.position.line}:${p.position.column}` : 'none'}`);
  }
  throw new Error('expected the config to be refused');
}

describe('config problems carry the position of what they are about', () => {
  it('points an unknown key at the key', () => {
    expect(problemsOf('environment: staging\nimage: x:1\nautoscaling:\n  minReplcas: 2\n')).toStrictEqual(['autoscaling.minReplcas @ 4:3']);
  });

  it('points a bad value at the value', () => {
    expect(problemsOf('environment: staging\nimage: x:1\nautoscaling:\n  maxReplicas:   zero\n')).toStrictEqual(['autoscaling.maxReplicas @ 4:18']);
  });

  it('points a missing key at the mapping that lacks it', () => {
    expect(problemsOf('image: x:1\n')).toStrictEqual(['environment @ 1:1']);
    expect(problemsOf('environment: staging\nimage: x:1\nsecrets:\n  source: external\n')).toStrictEqual(['secrets.external @ 4:3']);
  });

  it('points into sequences by index', () => {
    expect(problemsOf('environment: staging\nimage: x:1\nnetwork:\n  egressPorts: [443, 0]\n')).toStrictEqual(['network.egressPorts[1] @ 4:22']);
  });

  it('counts lines across the documents of a multi-document file, empty documents included', () => {
    const text = '---\n---\nenvironment: staging\nimage: x:1\nname: a\n---\nenvironment: staging\nimage: x:1\nname: b\nreplicas: 2\n';
    expect(problemsOf(text)).toStrictEqual(['replicas @ 10:1']);
  });

  it('points a syntax error at where the parser stopped', () => {
    expect(problemsOf('environment: staging\nimage: [x\n')).toStrictEqual([' @ 3:1']);
  });

  it('points the production image gate and stack collisions at their values', () => {
    expect(problemsOf('environment: production\nimage:  saplings:latest\n')).toStrictEqual(['image @ 2:9']);
    expect(problemsOf('environment: staging\nimage: x:1\nname: a\n---\nenvironment: staging\nimage: x:1\nname:  a\n')).toStrictEqual([
      'name @ 7:8',
      'namespace @ 7:8',
    ]);
  });

  it('points JSON configs the same way', () => {
    expect(problemsOf('{\n  "environment": "staging",\n  "image": "x:1",\n  "replicas": 2\n}\n')).toStrictEqual(['replicas @ 4:3']);
  });

  it('formats a located problem as FILE:LINE:COL: key.path: message', () => {
    const problem: Problem = { file: 'saplings.yaml', document: 2, position: { line: 4, column: 3 }, path: 'autoscaling.minReplcas', message: 'unknown key' };
    expect(formatProblem(problem)).toBe('saplings.yaml:4:3: autoscaling.minReplcas: unknown key');
  });
});
