import { Problem, formatProblem } from '../../../src/config/errors';
import { configProblems as refusal } from '../../helpers/config-problems';
import { parseConfigText } from '../../../src/config/load';
import { find, render } from '../../helpers/manifests';

function warnings(text: string): string[] {
  const found: Problem[] = [];
  parseConfigText(text, 'saplings.yaml', { onWarning: (p) => found.push(p) });
  return found.map(formatProblem);
}

describe('an external database (issue 21, item 6)', () => {
  test('GIVEN network.database THEN the app may reach exactly its ranges on its port', () => {
    const egress = find(render({ network: { database: { cidrs: ['10.20.0.0/24', '10.30.0.5/32'], port: 6432 } } }), 'NetworkPolicy', 'saplings-netpol-egress').spec.egress;
    expect(egress.filter((r: any) => /^10\./.test(r.to[0].ipBlock?.cidr ?? ''))).toStrictEqual([
      { to: [{ ipBlock: { cidr: '10.20.0.0/24' } }], ports: [{ port: 6432, protocol: 'TCP' }] },
      { to: [{ ipBlock: { cidr: '10.30.0.5/32' } }], ports: [{ port: 6432, protocol: 'TCP' }] },
    ]);
  });

  test('GIVEN DATABASE_URL listed without network.database THEN a warning names the key, at secrets.keys', () => {
    const text = 'environment: production\nimage: saplings:1.0.0\nsecrets:\n  keys: [OPENAI_API_KEY, DATABASE_URL]\n';
    expect(warnings(text)).toStrictEqual([
      "saplings.yaml:4:9: secrets.keys: lists DATABASE_URL, but network.database does not say where that database is, and on Kubernetes the app's egress policy denies it: set network.database.cidrs (and port, default 5432) to its address range, or remove DATABASE_URL if the app reads none",
    ]);
    expect(warnings(`${text}network:\n  database: { cidrs: [10.20.0.0/24] }\n`)).toStrictEqual([]);
    expect(warnings(`${text}vectorDb: { enabled: true, engine: pgvector }\n`.replace('DATABASE_URL]', 'DATABASE_URL, POSTGRES_PASSWORD]'))).toStrictEqual([]);
  });
});

describe('a shared single-writer claim (issue 21, item 9)', () => {
  test('GIVEN a shared ReadWriteOnce claim with autoscaling THEN the config is refused at app.storage.accessMode', () => {
    const text = 'environment: production\nimage: saplings:1.0.0\napp:\n  storage: { accessMode: ReadWriteOncePod, perPod: false }\n';
    expect(refusal(text)).toStrictEqual([
      'saplings.yaml:4:26: app.storage.accessMode: is ReadWriteOncePod on one claim shared by every replica (perPod: false), but autoscaling runs 3 to 20 replicas, and only one of them can mount it; set app.storage.perPod: true (a claim per pod), accessMode: ReadWriteMany with a StorageClass that offers it, or one replica without autoscaling, got "ReadWriteOncePod"',
    ]);
  });
});
