import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfigText } from '../../src/config/load';
import { ecsDocuments } from '../../src/targets/ecs/render';
import { ROOT } from '../helpers/cli';
import { Dir, IMAGE, clone, exampleStacks, gunicornMismatches, gunicornOption, writableBy, writtenDirs } from './saplings-image';

/*
 * A model of what ECS on Fargate does with the task definition this target
 * writes, from AWS's documentation, and properties over every example:
 * every path the app's processes write is writable by their user once the
 * task runs; the port, workers and timeout the stack sets reach gunicorn; a
 * stop waits what Fargate allows. Each property is shown catching a mutated
 * task definition.
 */

// ---- Facts: Fargate ----

/**
 * A task volume with no `host` (nor EFS) is a bind mount on the task's
 * ephemeral storage: an empty directory, owned by root with mode 0755, unless
 * the image declares a VOLUME there, whose content and ownership are copied in.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html and aws/containers-roadmap#938
 */
const FRESH_BIND_VOLUME: Dir = { uid: 0, gid: 0, mode: 0o755 };
/** "the max stop timeout value is 120 seconds": API_ContainerDefinition.html#ECS-Type-ContainerDefinition-stopTimeout */
const FARGATE_MAX_STOP_TIMEOUT = 120;
/** chown needs CAP_CHOWN (chown(2)); Docker grants it by default, and a task can drop it. */
const canChown = (container: any) => {
  const drop: string[] = container.linuxParameters?.capabilities?.drop ?? [];
  return !drop.includes('ALL') && !drop.includes('CHOWN');
};

function parseUser(user: string | undefined): { uid: number; gid: number } {
  if (user === undefined) return IMAGE.user;
  const [uid, gid] = user.split(':').map(Number);
  return { uid, gid: gid ?? uid };
}

/** What a running task looks like to its app container: the directory each path lands in, and the app's user. */
interface RunningTask {
  readonly user: { uid: number; gid: number };
  /** Where `path` lands: its volume's directory, the image's directory, or none (read-only root, or absent). */
  readonly dirAt: (path: string) => { readonly dir?: Dir; readonly readOnly: boolean };
  readonly env: Readonly<Record<string, string>>;
  readonly argv: readonly string[];
  readonly app: any;
}

/**
 * Runs a task definition as Fargate would: fresh bind volumes, then every
 * container the app `dependsOn` with condition SUCCESS, in order, to
 * completion (API_ContainerDependency.html); a `chown` such a container runs
 * as root changes its volumes' owner. A container the app does not wait for
 * runs alongside it, so the app may start before it: the model gives the app
 * the volumes as they were.
 */
function runTask(task: any): RunningTask {
  const volumes = new Map<string, Dir>();
  for (const volume of task.volumes) {
    if (volume.host || volume.efsVolumeConfiguration) throw new Error(`the model has no ${JSON.stringify(volume)}`);
    volumes.set(volume.name, FRESH_BIND_VOLUME);
  }
  const app = task.containerDefinitions.find((c: any) => c.essential !== false && c.portMappings?.length);
  const waitsFor = new Set((app.dependsOn ?? []).filter((d: any) => d.condition === 'SUCCESS').map((d: any) => d.containerName));
  for (const init of task.containerDefinitions.filter((c: any) => waitsFor.has(c.name))) {
    const user = parseUser(init.user);
    const [program, owner, ...paths] = init.command ?? [];
    if (program !== 'chown' || user.uid !== 0 || !canChown(init)) continue;
    const [uid, gid] = String(owner).split(':').map(Number);
    for (const p of paths) {
      const mount = (init.mountPoints ?? []).find((m: any) => m.containerPath === p);
      if (mount) volumes.set(mount.sourceVolume, { ...volumes.get(mount.sourceVolume)!, uid, gid });
    }
  }
  const dirAt = (target: string) => {
    const mounts = [...(app.mountPoints ?? [])].sort((a: any, b: any) => b.containerPath.length - a.containerPath.length);
    const mount = mounts.find((m: any) => target === m.containerPath || target.startsWith(`${m.containerPath}/`));
    if (mount) return { dir: volumes.get(mount.sourceVolume), readOnly: mount.readOnly === true };
    return { dir: IMAGE.dirs.get(target), readOnly: app.readonlyRootFilesystem === true };
  };
  const env = Object.fromEntries((app.environment ?? []).map((e: any) => [e.name, e.value]));
  // `command` replaces the image's CMD (ContainerDefinition.command); no ENTRYPOINT in the image.
  return { user: parseUser(app.user), dirAt, env, argv: app.command ?? IMAGE.cmd, app };
}

/** The paths the app cannot write, as `path (by)`. */
function unwritable(task: any): string[] {
  const run = runTask(task);
  return writtenDirs(run.env)
    .filter(({ path: p }) => {
      const { dir, readOnly } = run.dirAt(p);
      if (readOnly) return true;
      if (dir) return !writableBy(dir, run.user);
      // An absent directory must be creatable in its parent.
      const parent = run.dirAt(path.posix.dirname(p));
      return parent.readOnly || parent.dir === undefined || !writableBy(parent.dir, run.user);
    })
    .map(({ path: p, by }) => `${p} (${by})`);
}

/** Where the stack's settings fail to reach gunicorn, as messages. */
function settingsNotReached(task: any, service: any): string[] {
  const run = runTask(task);
  const problems: string[] = [];
  if (run.argv[0] !== 'gunicorn') return problems;
  const port = Number(gunicornOption(run.argv, '--bind')?.split(':').at(-1));
  if (!run.app.portMappings.some((p: any) => p.containerPort === port)) problems.push(`gunicorn binds ${port}, the container maps ${run.app.portMappings.map((p: any) => p.containerPort)}`);
  if (!service.loadBalancers.every((lb: any) => lb.containerPort === port)) problems.push(`the load balancer sends to ${service.loadBalancers.map((lb: any) => lb.containerPort)}, gunicorn binds ${port}`);
  if (!run.app.healthCheck.command.join(' ').includes(`localhost:${port}/`)) problems.push(`the health check asks another port than ${port}`);
  problems.push(...gunicornMismatches(run.argv, run.env));
  // A stop waits for gunicorn's graceful timeout where Fargate allows it (30 s when unset).
  const stop = run.app.stopTimeout ?? 30;
  const graceful = Number(gunicornOption(run.argv, '--graceful-timeout') ?? 30);
  if (stop > FARGATE_MAX_STOP_TIMEOUT) problems.push(`stopTimeout ${stop} is over Fargate's ${FARGATE_MAX_STOP_TIMEOUT}`);
  if (stop < Math.min(graceful, FARGATE_MAX_STOP_TIMEOUT)) problems.push(`stopTimeout ${stop} cuts gunicorn's graceful timeout of ${graceful}`);
  return problems;
}

// ---- Every example, for ECS ----

const ECS_EXAMPLE = parseConfigText(fs.readFileSync(path.join(ROOT, 'examples/ecs.yaml'), 'utf8'), 'examples/ecs.yaml')[0].ecs!;

/** Every stack of every example, with examples/ecs.yaml's ecs: block where it has none. */
const stacks = () => exampleStacks((stack) => ({ ...stack, ecs: stack.ecs ?? ECS_EXAMPLE }));


describe.each(stacks())('%s on ECS Fargate, as the task runs', (_name, stack) => {
  const { taskDefinition, service } = ecsDocuments(stack, { file: 'saplings.yaml' });

  test('every path its processes write is writable by their user', () => {
    expect(unwritable(taskDefinition)).toStrictEqual([]);
  });

  test('its port, workers and timeout reach gunicorn, and a stop waits for it as long as Fargate allows', () => {
    expect(settingsNotReached(taskDefinition, service)).toStrictEqual([]);
  });
});

describe('the ECS model catches a broken task definition', () => {
  const stack = stacks().find(([, s]) => s.environment === 'staging')![1];
  const { taskDefinition, service } = ecsDocuments(stack, { file: 'saplings.yaml' });
  const app = (task: any) => task.containerDefinitions[0];
  const init = (task: any) => task.containerDefinitions[1];
  const mutated = (change: (task: any) => void) => {
    const task = clone(taskDefinition);
    change(task);
    return task;
  };

  test('the volumes as Fargate makes them, with no init container: nothing the app writes is writable', () => {
    expect(unwritable(mutated((t) => t.containerDefinitions.pop()))).toStrictEqual([
      '/tmp (gunicorn)',
      '/app/prometheus-multiproc (prometheus_client)',
      '/app/logs (the app (logs))',
      '/app/data (the app (data))',
      '/app/staging_data (the app (memory))',
    ]);
  });

  test('an app that does not wait for the init container, or an init container that cannot chown, is caught', () => {
    expect(unwritable(mutated((t) => delete app(t).dependsOn))).toHaveLength(5);
    expect(unwritable(mutated((t) => (init(t).linuxParameters.capabilities.drop = ['ALL'])))).toHaveLength(5);
    expect(unwritable(mutated((t) => (init(t).user = '999:999')))).toHaveLength(5);
  });

  test("a path with no volume under the read-only root, such as staging's memory directory, is caught", () => {
    const task = mutated((t) => (app(t).mountPoints = app(t).mountPoints.filter((m: any) => m.containerPath !== '/app/staging_data')));
    expect(unwritable(task)).toStrictEqual(['/app/staging_data (the app (memory))']);
    expect(unwritable(mutated((t) => (app(t).readonlyRootFilesystem = false)))).toStrictEqual([]);
  });

  test("the image's own CMD, a moved port, a stop timeout Fargate refuses or one that cuts gunicorn short are caught", () => {
    // The guide's CMD hard-codes 4 workers and 120 s, which development (2 and 60) does not run.
    const development = ecsDocuments(stacks().find(([, s]) => s.environment === 'development')![1], { file: 'saplings.yaml' });
    const imageCmd = clone(development.taskDefinition) as any;
    delete imageCmd.containerDefinitions[0].command;
    expect(settingsNotReached(imageCmd, development.service)).toStrictEqual(['gunicorn runs 4 workers, MAX_WORKERS is 2', 'gunicorn times out at 120, TIMEOUT is 60']);
    const moved = mutated((t) => (app(t).portMappings[0].containerPort = 9000));
    expect(settingsNotReached(moved, service)).toStrictEqual(['gunicorn binds 8000, the container maps 9000']);
    const workers = mutated((t) => (app(t).environment.find((e: any) => e.name === 'MAX_WORKERS').value = '8'));
    expect(settingsNotReached(workers, service)).toStrictEqual(['gunicorn runs 4 workers, MAX_WORKERS is 8']);
    expect(settingsNotReached(mutated((t) => (app(t).stopTimeout = 300)), service)).toStrictEqual(["stopTimeout 300 is over Fargate's 120"]);
    expect(settingsNotReached(mutated((t) => delete app(t).stopTimeout), service)).toStrictEqual(["stopTimeout 30 cuts gunicorn's graceful timeout of 120"]);
  });
});
