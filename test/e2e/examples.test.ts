/**
 * examples/: the Kubernetes manifests and the GitHub Actions workflow parse, match the API shapes
 * of the fields they use (JSON Schemas kept beside them, written from the API references), and
 * agree with each other; and the scripts in them run for real: the Indexed Job pod's script audits
 * real servers shard by shard and the last one merges, the workflow's lint step writes SARIF.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { freePort } from '../helpers/ports.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const K8S = join(ROOT, 'examples/kubernetes');
const GHA = join(ROOT, 'examples/github-actions');
const CLI = join(ROOT, 'dist/cli.js');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Every YAML document of a file; a syntax error or warning fails. */
function yamlDocs(path: string): Json[] {
  const docs = parseAllDocuments(readFileSync(path, 'utf8'));
  if (!Array.isArray(docs)) throw new Error(`${path}: empty`);
  for (const d of docs) expect([...d.errors, ...d.warnings].map((e) => `${path}: ${e.message}`)).toEqual([]);
  return docs.map((d) => d.toJS() as Json);
}

function validator(schemaFile: string) {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  return ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
}

const clone = <T>(x: T): T => structuredClone(x);

describe('examples/kubernetes', () => {
  const validate = validator(join(K8S, 'k8s-subset.schema.json'));
  const manifests = readdirSync(K8S).filter((f) => /\.ya?ml$/.test(f));
  const objects = manifests.flatMap((f) => yamlDocs(join(K8S, f)).map((doc) => ({ file: f, doc })));
  const byKind = (kind: string) => objects.filter((o) => o.doc.kind === kind).map((o) => o.doc);

  it('every manifest parses and matches the API shape of the fields it uses', () => {
    expect(manifests.sort()).toEqual(['cronjob.yaml', 'kustomization.yaml', 'reports-pvc.yaml']);
    for (const { file, doc } of objects) expect(validate(doc), `${file}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
  });

  it('the schema is not a rubber stamp: misspelt, misplaced and mistyped fields fail', () => {
    const [cron] = byKind('CronJob');
    const mutations: ((c: Json) => void)[] = [
      (c) => (c.spec.jobTemplate.spec.completionMode = 'indexed'),
      (c) => (c.spec.jobTemplate.spec.template.spec.volumes[2].secret.defaultMode = '0440'),
      (c) => (c.spec.jobTemplate.spec.template.spec.volumes[2].secret.defaultMode = 0o1000),
      (c) => (c.spec.jobTemplate.spec.template.spec.containers[0].volumeMount = []),
      (c) => (c.spec.jobTemplate.spec.template.spec.restartPolicy = 'Always'),
      (c) => (c.spec.completions = 4),
      (c) => delete c.spec.jobTemplate.spec.completions,
      (c) => (c.spec.jobTemplate.spec.template.spec.containers[0].env[1].valueFrom.fieldRef.fieldPath = 'metadata.labels.job-name'),
      (c) => (c.spec.jobTemplate.spec.template.spec.containers[0].resources.limits.memory = '512MB'),
      (c) => (c.spec.schedule = '17 2 * *'),
      (c) => (c.metadata.name = 'Redsec_Fleet'),
    ];
    for (const m of mutations) {
      const c = clone(cron);
      m(c);
      expect(validate(c), m.toString()).toBe(false);
    }
  });

  it('the objects agree: names, mounts, the shard count and the script path', () => {
    const [kust] = byKind('Kustomization');
    const [cron] = byKind('CronJob');
    const [pvc] = byKind('PersistentVolumeClaim');
    for (const r of kust.resources as string[]) expect(existsSync(join(K8S, r)), r).toBe(true);
    const generated = new Map<string, string[]>((kust.configMapGenerator as Json[]).map((g) => [g.name, g.files]));
    for (const files of generated.values()) for (const f of files) expect(existsSync(join(K8S, f)), f).toBe(true);

    const job = cron.spec.jobTemplate.spec;
    const pod = job.template.spec;
    const [container] = pod.containers;
    const env = Object.fromEntries((container.env as Json[]).map((e) => [e.name, e.value ?? e.valueFrom]));
    expect(job.completionMode).toBe('Indexed');
    expect(Number(env.SHARDS)).toBe(job.completions);
    expect(job.parallelism).toBe(job.completions);
    expect(env.RUN.fieldRef.fieldPath).toBe("metadata.labels['batch.kubernetes.io/job-name']");

    const volumes = new Map<string, Json>((pod.volumes as Json[]).map((v) => [v.name, v]));
    const mountOf = (path: string) => {
      const m = (container.volumeMounts as Json[]).find((x) => path === x.mountPath || path.startsWith(`${x.mountPath}/`));
      expect(m, path).toBeDefined();
      return { mount: m, volume: volumes.get(m.name), file: path.slice(m.mountPath.length + 1) };
    };
    const fleet = mountOf(env.FLEET);
    expect(generated.get(fleet.volume.configMap.name)).toContain(fleet.file);
    const script = mountOf(container.command[1]);
    expect(container.command[0]).toBe('/bin/sh');
    expect(generated.get(script.volume.configMap.name)).toContain(script.file);
    const secret = mountOf(env.PASSWORD_FILE);
    expect(secret.volume.secret.secretName).toBe('redsec-audit');
    // Read-only, and nobody but the owner and the pod's group reads the password.
    expect(secret.volume.secret.defaultMode & 0o227).toBe(0);
    const reports = mountOf(`${env.REPORTS}/x`);
    expect(reports.volume.persistentVolumeClaim.claimName).toBe(pvc.metadata.name);
    expect(reports.mount.readOnly).not.toBe(true);
    expect(pvc.spec.accessModes).toContain('ReadWriteMany');
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
  });

  it('the Dockerfile copies what exists, compiles with the repository\'s lock file and ships what the package ships', () => {
    const text = readFileSync(join(K8S, 'Dockerfile'), 'utf8');
    const copies = [...text.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(copies).toContain('package-lock.json');
    for (const c of copies) expect(existsSync(join(ROOT, c)), c).toBe(true);
    expect(text).toMatch(/RUN npm ci && npm prune --omit=dev/);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    const final = text.slice(text.lastIndexOf('\nFROM '));
    for (const f of pkg.files) expect(final, f).toMatch(new RegExp(`^COPY (--from=build /src/)?${f} \\./${f}$`, 'm'));
  });
});

describe('the Indexed Job pod script on real servers', () => {
  const PW = 'k8s-example-auditor-pw-41d7';
  const dir = mkdtempSync(join(tmpdir(), 'redsec-k8s-'));
  const servers: RedisServer[] = [];
  const fleetFile = join(dir, 'fleet.txt');
  const pwFile = join(dir, 'password');
  const bin = join(dir, 'bin');
  const reports = join(dir, 'reports');
  const SHARDS = 3;
  const script = join(K8S, 'shard-audit.sh');

  beforeAll(async () => {
    const config = `user default off\nuser auditor on >${PW} ~* &* +@all\n`;
    servers.push(...(await Promise.all([startRedis({ config, overrides: { bind: '127.0.0.1 127.0.0.2 127.0.0.3' } }), startRedis({ config: `${config}protected-mode no\n` })])));
    const closed = await freePort();
    const s0 = servers[0]!;
    const s1 = servers[1]!;
    writeFileSync(fleetFile, [1, 2, 3].map((i) => `redis://127.0.0.${i}:${s0.port}`).concat([`redis://127.0.0.1:${s1.port}`, `redis://127.0.0.1:${closed}`]).join('\n') + '\n');
    writeFileSync(pwFile, `${PW}\n`, { mode: 0o600 });
    mkdirSync(bin);
    // `redsec` as the image has it: the built CLI.
    writeFileSync(join(bin, 'redsec'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`, { mode: 0o755 });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  const pod = (index: number, env: Record<string, string> = {}) =>
    spawnSync('/bin/sh', [script], {
      encoding: 'utf8',
      env: {
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        JOB_COMPLETION_INDEX: String(index),
        SHARDS: String(SHARDS),
        RUN: 'redsec-fleet-audit-29000000',
        FLEET: fleetFile,
        REPORTS: reports,
        REDSEC_USER: 'auditor',
        PASSWORD_FILE: pwFile,
        ...env,
      },
    });
  const withoutTimes = (v: Json): Json =>
    Array.isArray(v) ? v.map(withoutTimes) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => !k.endsWith('_at')).map(([k, x]) => [k, withoutTimes(x)])) : v;

  it('each pod writes its shard; the one that completes the set merges into the single-process fleet report', () => {
    const out = join(reports, 'redsec-fleet-audit-29000000');
    for (let i = 0; i < SHARDS; i++) {
      expect(existsSync(join(out, 'fleet.json'))).toBe(false);
      const r = pod(i);
      expect(r.status, r.stderr).toBe(0);
      expect(existsSync(join(out, `shard-${i}.json`))).toBe(true);
    }
    expect(readdirSync(out).sort()).toEqual(['fleet.html', 'fleet.json', 'fleet.sarif', 'shard-0.json', 'shard-1.json', 'shard-2.json']);
    const single = spawnSync(process.execPath, [CLI, 'audit', '--targets', fleetFile, '--user', 'auditor', '--password-file', pwFile, '--format', 'json'], { encoding: 'utf8' });
    expect(single.status).toBe(3); // the closed port
    expect(withoutTimes(JSON.parse(readFileSync(join(out, 'fleet.json'), 'utf8')))).toEqual(withoutTimes(JSON.parse(single.stdout)));
    expect(readFileSync(join(out, 'fleet.html'), 'utf8')).toContain('id="overview"');
    expect((JSON.parse(readFileSync(join(out, 'fleet.sarif'), 'utf8')) as Json).version).toBe('2.1.0');
    expect(readFileSync(join(out, 'fleet.json'), 'utf8')).not.toContain(PW);
  }, 120_000);

  it('bad input fails the pod (exit 2) and leaves no shard file behind', () => {
    // A shard that holds targets: an empty one never needs the password.
    const out = join(reports, 'redsec-fleet-audit-29000000');
    const busy = [0, 1, 2].find((i) => (JSON.parse(readFileSync(join(out, `shard-${i}.json`), 'utf8')) as Json[]).length > 0)!;
    const r = pod(busy, { RUN: 'bad-run', PASSWORD_FILE: join(dir, 'missing') });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^redsec: .*missing/m);
    expect(readdirSync(join(reports, 'bad-run'))).toEqual([]);
  }, 60_000);
});

describe('examples/github-actions', () => {
  const validate = validator(join(GHA, 'workflow-subset.schema.json'));
  const [wf] = yamlDocs(join(GHA, 'redsec-lint.yml'));
  const job = wf.jobs.lint;
  const lint = (job.steps as Json[]).find((s) => s.name === 'Lint');
  const upload = (job.steps as Json[]).find((s) => String(s.uses).startsWith('github/codeql-action/upload-sarif@'));

  it('parses, matches the workflow syntax, and uploads the file the lint step writes', () => {
    expect(validate(wf), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const broken = clone(wf);
    broken.jobs.lint.steps[0].run = 'echo both uses and run';
    expect(validate(broken)).toBe(false);
    expect(job.permissions['security-events']).toBe('write');
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(lint.run).toContain(`> ${upload.with.sarif_file}`);
    expect(upload.uses).toBe('github/codeql-action/upload-sarif@v3');
  });

  it('the lint step runs: findings still give SARIF and a green step, a broken config fails it', () => {
    const repo = mkdtempSync(join(tmpdir(), 'redsec-gha-'));
    try {
      symlinkSync(ROOT, join(repo, '.redsec'));
      mkdirSync(join(repo, 'deploy'));
      writeFileSync(join(repo, 'deploy/redis.conf'), 'bind 0.0.0.0\nprotected-mode no\naclfile users.acl\n', { mode: 0o600 });
      writeFileSync(join(repo, 'deploy/users.acl'), 'user default on nopass ~* +@all\n', { mode: 0o600 });
      const step = () => spawnSync('bash', ['-e', '-c', lint.run as string], { cwd: repo, encoding: 'utf8' });
      const ok = step();
      expect(ok.status, ok.stderr).toBe(0);
      expect(ok.stdout).toContain('redsec lint exit code: 1');
      const sarif = JSON.parse(readFileSync(join(repo, 'redsec.sarif'), 'utf8')) as Json;
      expect(sarif.runs[0].results.length).toBeGreaterThan(0);
      writeFileSync(join(repo, 'deploy/redis.conf'), 'bind 0.0.0.0\nrequirepass "unbalanced\n');
      const bad = step();
      expect(bad.status).toBe(2);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  }, 60_000);
});
