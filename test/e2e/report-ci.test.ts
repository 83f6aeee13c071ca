/**
 * What CI systems and code scanning accept, checked with their own tools on reports of a real
 * redis-server 7.0.15 and of config files:
 * - SARIF through Microsoft's validator with GitHub's rules (`sarif-multitool validate --rule-kind
 *   "Sarif;Gh"`), lint and a fleet of 25: zero errors, zero warnings; plus GitHub's documented
 *   ingestion limits as assertions (a physical location on every result, lint URIs relative and
 *   present, at most 20 runs, results and size per run, security-severity bands);
 * - fingerprints that survive inserted lines; the same fingerprints in GitLab Code Quality, whose
 *   lint and fleet outputs validate against schema/gitlab-codequality.schema.json;
 * - JUnit validated by xmllint against schema/junit.xsd;
 * - hostile strings created on the server (an ACL user named ESC ] 0 ; ... BEL, a dbfilename with
 *   "\n[PASS]") through every format: no raw control character, no forged line;
 * - a closed pipe ends the CLI quietly with its exit code.
 * The CLI runs as a child process from dist/ (relative paths need a working directory of their own).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { REPORT_FORMATS, type Report } from '../../src/report/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const XSD = join(ROOT, 'schema/junit.xsd');
const GITLAB_SCHEMA = JSON.parse(readFileSync(join(ROOT, 'schema/gitlab-codequality.schema.json'), 'utf8')) as object;
/** GitLab Code Quality's documented format (schema/gitlab-codequality.schema.json): every issue, lint and fleet. */
function assertGitlabValid(text: string): void {
  const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(GITLAB_SCHEMA);
  const issues: unknown = JSON.parse(text);
  expect(validate(issues), JSON.stringify(validate.errors)).toBe(true);
}
const ADMIN_PW = 'ci-admin-pw-3b9f27d1';
/** Retitles a terminal (OSC 0) when printed raw. */
const OSC_USER = 'evil\u001b]0;pwned\u0007';
/** A value that, printed raw, starts a line of its own that looks like one of ours. */
const FORGED = 'dump\n[PASS] all checks passed.rdb';
// Raw C0 (except newline and tab), DEL, C1, line separators and bidi overrides.
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: string;
  kind: string;
  message: { text: string };
  locations: { physicalLocation?: { artifactLocation?: { uri?: string; uriBaseId?: string }; region?: { startLine: number } }; logicalLocations?: { name: string }[] }[];
  partialFingerprints: Record<string, string>;
  properties: { severity: string; status: string };
}
interface SarifRun {
  tool: { driver: { name: string; informationUri: string; rules: { id: string; helpUri: string; defaultConfiguration: { level: string }; properties: { tags: string[]; 'security-severity'?: string } }[] } };
  automationDetails: { id: string };
  invocations: { executionSuccessful: boolean; startTimeUtc?: string; endTimeUtc?: string; workingDirectory?: { uri: string }; toolExecutionNotifications?: { message: { text: string } }[] }[];
  originalUriBaseIds?: Record<string, { uri: string }>;
  results: SarifResult[];
}
interface Sarif {
  version: string;
  runs: SarifRun[];
}

function run(args: string[], cwd: string, env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  // The audit password from the environment, never on the command line.
  const r = spawnSync('node', [CLI, ...args], { cwd, env: { ...process.env, REDSEC_PASSWORD: ADMIN_PW, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Microsoft's validator with GitHub's rules: the error and warning results of its log. */
function githubValidation(file: string): string[] {
  const require = createRequire(import.meta.url);
  const exe = require('@microsoft/sarif-multitool-linux') as string;
  const log = `${file}.validation.sarif`;
  rmSync(log, { force: true });
  execFileSync(exe, ['validate', '--rule-kind', 'Sarif;Gh', '--level', 'Error;Warning;Note', '--output', log, file], {
    // The .NET runtime inside needs no ICU for this.
    env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' },
    stdio: 'pipe',
    timeout: 120_000,
  });
  const out = JSON.parse(readFileSync(log, 'utf8')) as { runs: { results?: { level?: string; ruleId: string; message: { id?: string; text?: string; arguments?: string[] } }[] }[] };
  return out.runs.flatMap((r) => r.results ?? []).filter((r) => r.level === 'error' || r.level === 'warning').map((r) => `${r.ruleId} ${JSON.stringify(r.message)}`);
}

/** GitHub's documented upload limits and requirements (docs.github.com, "SARIF support for code scanning"). */
function assertGithubIngestible(sarif: Sarif, text: string, opts: { cwd?: string; lint: boolean }): void {
  expect(sarif.version).toBe('2.1.0');
  expect(sarif.runs.length).toBeGreaterThan(0);
  expect(sarif.runs.length).toBeLessThanOrEqual(20);
  expect(gzipSync(text).length).toBeLessThan(10 * 1024 * 1024);
  const categories = sarif.runs.map((r) => r.automationDetails.id);
  expect(new Set(categories).size, 'several runs of one tool need distinct categories').toBe(categories.length);
  for (const run of sarif.runs) {
    expect(run.results.length).toBeLessThanOrEqual(25_000);
    expect(run.tool.driver.rules.length).toBeLessThanOrEqual(25_000);
    expect(run.tool.driver.informationUri).toMatch(/^https:\/\//);
    const ids = run.tool.driver.rules.map((r) => r.id);
    expect(new Set(ids).size, 'rule ids are unique').toBe(ids.length);
    for (const rule of run.tool.driver.rules) {
      expect(rule.properties.tags.length).toBeLessThanOrEqual(20);
      expect(rule.helpUri).toMatch(/^https:\/\//);
      if (rule.properties['security-severity'] !== undefined) {
        const score = Number(rule.properties['security-severity']);
        expect(score, rule.id).toBeGreaterThan(0);
        expect(score, rule.id).toBeLessThanOrEqual(10);
        expect(rule.properties.tags, rule.id).toContain('security');
      }
    }
    const inv = run.invocations[0];
    expect(inv?.startTimeUtc).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(inv?.endTimeUtc).toMatch(/^\d{4}-\d\d-\d\dT/);
    for (const res of run.results) {
      const uri = res.locations[0]?.physicalLocation?.artifactLocation?.uri;
      // GitHub rejects the whole file when any result lacks this ("expected artifact location").
      expect(uri, `${res.ruleId} has a physical location`).toBeTruthy();
      expect(res.locations.length).toBeLessThanOrEqual(1000);
      expect(res.locations[0]?.physicalLocation?.region?.startLine).toBeGreaterThanOrEqual(1);
      expect(uri, 'relative to the checkout').not.toMatch(/^([a-z]+:|\/)/i);
      if (opts.lint && opts.cwd) expect(existsSync(join(opts.cwd, decodeURIComponent(uri as string))), `${uri} exists in the checkout`).toBe(true);
      expect(Object.values(res.partialFingerprints).every((v) => /^[0-9a-f]{32}$/.test(v))).toBe(true);
      const rule = res.ruleIndex !== undefined ? run.tool.driver.rules[res.ruleIndex] : undefined;
      expect(rule?.id, 'ruleIndex points at the rule').toBe(res.ruleId);
      const score = rule?.properties['security-severity'];
      if (res.properties?.status === 'unknown') {
        // Unverified results never open as vulnerabilities.
        expect(score, res.ruleId).toBeUndefined();
        expect(rule?.properties.tags).not.toContain('security');
        expect(res.level).toBe('none');
      } else if (res.level === 'error' || res.level === 'warning') {
        // GitHub shows the rule's security-severity: it must be the band of the result's severity.
        const s = Number(score);
        const band = s >= 9 ? 'critical' : s >= 7 ? 'high' : s >= 4 ? 'medium' : s > 0 ? 'low' : 'none';
        expect(band, `${res.ruleId} shows as ${res.properties.severity}`).toBe(res.properties.severity);
      }
    }
  }
}

describe('reports CI systems accept', () => {
  let server: RedisServer;
  let second: RedisServer;
  const repo = mkdtempSync(join(tmpdir(), 'redsec-ci-'));
  let fleetTargets: string[] = [];
  let url = '';

  beforeAll(async () => {
    const config = ['user default off', `user admin on >${ADMIN_PW} ~* &* +@all`, 'protected-mode no', 'timeout 0', `dbfilename "${FORGED.replace(/\n/g, '\\n')}"`].join('\n');
    // Redis takes at most 16 bind addresses: two servers give the fleet its 21 live targets.
    const addresses = (n: number) => Array.from({ length: n }, (_, i) => `127.0.0.${i + 1}`);
    [server, second] = await Promise.all([
      startRedis({ config, overrides: { bind: addresses(11).join(' ') } }),
      startRedis({ config, overrides: { bind: addresses(10).join(' ') } }),
    ]);
    // The hostile name is created on the server itself, as an attacker with ACL rights would.
    execFileSync('redis-cli', ['-p', String(server.port), '--user', 'admin', '--pass', ADMIN_PW, '--no-auth-warning', 'ACL', 'SETUSER', OSC_USER, 'on', 'nopass', '~*', '+@all']);
    url = `redis://admin@127.0.0.1:${server.port}`;
    const closed = await Promise.all(Array.from({ length: 4 }, () => freePort()));
    fleetTargets = [
      ...addresses(11).map((a) => `redis://admin@${a}:${server.port}`),
      ...addresses(10).map((a) => `redis://admin@${a}:${second.port}`),
      ...closed.map((p) => `127.0.0.1:${p}`),
    ];
    // One target names its repository file in the targets file itself.
    writeFileSync(join(repo, 'fleet.txt'), `${fleetTargets.map((t, i) => (i === 2 ? `${t} sarif-artifact=deploy/conf.d/extra.conf` : t)).join('\n')}\n`);
    writeFileSync(join(repo, 'admin.pw'), ADMIN_PW, { mode: 0o600 });
    mkdirSync(join(repo, 'deploy/conf.d'), { recursive: true });
    writeFileSync(join(repo, 'deploy/redis.conf'), ['include conf.d/extra.conf', 'aclfile users.acl', 'protected-mode no', `dbfilename "${FORGED.replace(/\n/g, '\\n')}"`, ''].join('\n'));
    writeFileSync(join(repo, 'deploy/conf.d/extra.conf'), 'timeout 0\nbind 0.0.0.0\n');
    writeFileSync(join(repo, 'deploy/users.acl'), `user default on nopass ~* +@all\nuser ${OSC_USER} on nopass ~* +@all\n`);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([server?.stop(), second?.stop()]);
    rmSync(repo, { recursive: true, force: true });
  });

  const lint = (format: string, extra: string[] = []) => run(['lint', 'deploy/redis.conf', '--format', format, ...extra], repo);

  it('lint SARIF: repository-relative locations for the main file, includes and aclfile; GitHub-rule validation clean', () => {
    const r = lint('sarif');
    expect(r.code, r.stderr).toBe(1);
    const sarif = JSON.parse(r.stdout) as Sarif;
    assertGithubIngestible(sarif, r.stdout, { cwd: repo, lint: true });
    const uris = new Set(sarif.runs[0]!.results.map((x) => x.locations[0]?.physicalLocation?.artifactLocation?.uri));
    expect([...uris].sort()).toEqual(['deploy/conf.d/extra.conf', 'deploy/redis.conf', 'deploy/users.acl']);
    const inv = sarif.runs[0]!.invocations[0]!;
    expect(inv.executionSuccessful).toBe(true);
    expect(decodeURIComponent(inv.workingDirectory?.uri ?? '')).toBe(`file://${repo}/`);
    expect(sarif.runs[0]!.originalUriBaseIds?.['%SRCROOT%']?.uri).toBe(inv.workingDirectory?.uri);
    // Whole-file rules point at the main file's first line.
    const tls = sarif.runs[0]!.results.find((x) => x.ruleId.startsWith('TLS-DISABLED'));
    expect(tls?.locations[0]?.physicalLocation).toMatchObject({ artifactLocation: { uri: 'deploy/redis.conf' }, region: { startLine: 1 } });
    // Raised by exposure: the alert's rule carries the raised severity.
    const bind = sarif.runs[0]!.results.find((x) => x.ruleId.startsWith('NET-BIND-ALL'));
    expect(bind?.ruleId).toBe('NET-BIND-ALL/critical');
    writeFileSync(join(repo, 'lint.sarif'), r.stdout);
    expect(githubValidation(join(repo, 'lint.sarif'))).toEqual([]);
  }, 120_000);

  it('fingerprints survive inserted lines and agree between SARIF and GitLab', () => {
    const prints = (sarif: Sarif) => sarif.runs[0]!.results.map((x) => `${x.ruleId.split('/')[0]} ${Object.values(x.partialFingerprints)[0]}`).sort();
    const before = JSON.parse(lint('sarif').stdout) as Sarif;
    const conf = join(repo, 'deploy/redis.conf');
    const acl = join(repo, 'deploy/users.acl');
    const confText = readFileSync(conf, 'utf8');
    const aclText = readFileSync(acl, 'utf8');
    try {
      writeFileSync(conf, `# a comment\n\n# another\n${confText}`);
      writeFileSync(acl, `\n\n${aclText}`); // ACL files have no comments: blank lines
      const after = JSON.parse(lint('sarif').stdout) as Sarif;
      const line = (s: Sarif) => s.runs[0]!.results.find((x) => x.ruleId.startsWith('NET-PROTECTED-MODE-OFF'))?.locations[0]?.physicalLocation?.region?.startLine;
      expect([line(before), line(after)]).toEqual([3, 6]);
      expect(prints(after)).toEqual(prints(before));
    } finally {
      writeFileSync(conf, confText);
      writeFileSync(acl, aclText);
    }
    const all = prints(before).map((p) => p.split(' ')[1]);
    expect(new Set(all).size, 'one fingerprint per result').toBe(all.length);
    const gitlabText = lint('gitlab').stdout;
    assertGitlabValid(gitlabText);
    const gitlab = JSON.parse(gitlabText) as { description: string; check_name: string; fingerprint: string; severity: string; location: { path: string; lines: { begin: number } } }[];
    expect(gitlab.length).toBeGreaterThan(5);
    for (const issue of gitlab) {
      expect(issue.description).toBeTruthy();
      expect(['info', 'minor', 'major', 'critical', 'blocker']).toContain(issue.severity);
      expect(existsSync(join(repo, issue.location.path)), issue.location.path).toBe(true);
      expect(issue.location.lines.begin).toBeGreaterThanOrEqual(1);
      expect(all).toContain(issue.fingerprint);
    }
    expect(new Set(gitlab.map((i) => i.fingerprint)).size).toBe(gitlab.length);
  });

  it('a fleet of 25 is one run: the rules once, every result located, unaudited targets as notifications; validation clean', () => {
    const r = run(['audit', '--targets', 'fleet.txt', '--password-file', 'admin.pw', '--format', 'sarif', '--timeout', '3000', '--sarif-artifact', `127.0.0.2:${server.port}=deploy/redis.conf`], repo);
    expect(r.code, r.stderr).toBe(3);
    const sarif = JSON.parse(r.stdout) as Sarif;
    assertGithubIngestible(sarif, r.stdout, { lint: false });
    expect(sarif.runs).toHaveLength(1);
    const only = sarif.runs[0]!;
    expect(only.tool.driver.rules.length).toBeLessThan(100);
    expect(r.stdout.length).toBeLessThan(1024 * 1024);
    expect(only.invocations[0]?.executionSuccessful).toBe(false);
    const notes = only.invocations[0]?.toolExecutionNotifications ?? [];
    expect(notes).toHaveLength(4);
    for (const n of notes) expect(n.message.text).toMatch(/^not audited: [A-Z0-9_]+: /);
    const targets = new Set(only.results.map((x) => x.locations[0]?.logicalLocations?.[0]?.name));
    expect(targets.size).toBe(21);
    const uris = new Set(only.results.map((x) => x.locations[0]?.physicalLocation?.artifactLocation?.uri));
    expect(uris).toContain(`redis/127.0.0.1_${server.port}`);
    expect(uris).toContain('deploy/redis.conf'); // --sarif-artifact
    expect(uris).toContain('deploy/conf.d/extra.conf'); // sarif-artifact= in the targets file
    expect(r.stdout).not.toContain(ADMIN_PW);
    writeFileSync(join(repo, 'fleet.sarif'), r.stdout);
    expect(githubValidation(join(repo, 'fleet.sarif'))).toEqual([]);
    const gl = run(['audit', '--targets', 'fleet.txt', '--password-file', 'admin.pw', '--format', 'gitlab', '--timeout', '3000'], repo);
    expect(gl.code, gl.stderr).toBe(3);
    assertGitlabValid(gl.stdout);
    const glIssues = JSON.parse(gl.stdout) as { check_name: string; fingerprint: string }[];
    expect(glIssues.filter((i) => i.check_name === 'NOT-AUDITED')).toHaveLength(4);
    expect(new Set(glIssues.map((i) => i.fingerprint)).size, 'GitLab shows one issue per fingerprint').toBe(glIssues.length);
  }, 180_000);

  it('JUnit validates against schema/junit.xsd: failures, errors for unknown and unaudited, skipped', () => {
    const files: string[] = [];
    for (const [name, args] of [
      ['lint', ['lint', 'deploy/redis.conf', '--format', 'junit']],
      ['live', ['audit', url, '--format', 'junit']],
      ['fleet', ['audit', '--targets', 'fleet.txt', '--password-file', 'admin.pw', '--format', 'junit', '--timeout', '3000']],
    ] as const) {
      const r = run([...args], repo);
      expect(r.stdout.startsWith('<?xml'), name).toBe(true);
      const file = join(repo, `${name}.xml`);
      writeFileSync(file, r.stdout);
      files.push(file);
    }
    const v = spawnSync('xmllint', ['--noout', '--schema', XSD, ...files], { encoding: 'utf8' });
    expect(v.status, v.stderr).toBe(0);
    const lintXml = readFileSync(files[0]!, 'utf8');
    expect(lintXml).toMatch(/<testsuite name="deploy\/redis.conf" tests="\d+" failures="[1-9]\d*" errors="[1-9]\d*" skipped="[1-9]\d*"/);
    expect(lintXml).toMatch(/<testcase name="NET-PROTECTED-MODE-OFF: [^"]*"[^>]*file="deploy\/redis.conf" line="3">\s*<failure /);
    const fleetXml = readFileSync(files[2]!, 'utf8');
    expect(fleetXml.match(/<testsuite /g)).toHaveLength(25);
    expect(fleetXml.match(/<testcase name="not audited"[^>]*>\s*<error message="not audited: /g)).toHaveLength(4);
  }, 120_000);

  it('hostile strings from the server and the files reach no format raw', () => {
    const outputs: [string, string][] = [];
    for (const format of REPORT_FORMATS) {
      outputs.push([`live ${format}`, run(['audit', url, '--format', format], repo, { FORCE_COLOR: '1', NO_COLOR: '' }).stdout]);
      outputs.push([`lint ${format}`, lint(format).stdout]);
    }
    const text = outputs.find(([n]) => n === 'live text')?.[1] ?? '';
    // The name is there, as visible escapes; the forged line never starts a line.
    expect(text).toContain('evil\\x1b]0;pwned\\x07');
    // Lint shows dbfilename (IOC-PERSIST-PATH cannot tell dir there); the newline stays inside its line.
    expect(outputs.find(([n]) => n === 'lint text')?.[1]).toContain('dbfilename dump\\n[PASS] all checks passed.rdb');
    for (const [name, out] of outputs) {
      expect(out.length, name).toBeGreaterThan(100);
      // FORCE_COLOR=1: the text format's own colour codes are the only ESC allowed, and only as SGR.
      const body = name.endsWith(' text') ? out.replace(/\u001b\[[0-9;]*m/g, '') : out;
      expect(RAW_CONTROL.test(body), `${name} has a raw control character`).toBe(false);
      expect(out.split('\n').some((l) => l.startsWith('[PASS]')), `${name} has a forged line`).toBe(false);
      expect(out, name).not.toContain(ADMIN_PW);
    }
    // JSON keeps the exact bytes (escaped), so tools reading it see the real name.
    const json = JSON.parse(outputs.find(([n]) => n === 'live json')?.[1] ?? '{}') as Report;
    expect(json.findings.some((f) => f.evidence.includes(OSC_USER))).toBe(true);
  }, 120_000);

  it('every format says when the scan ran; unaudited targets say "not audited: CODE: message" once, level null', async () => {
    const port = await freePort();
    for (const format of ['text', 'markdown', 'html', 'json'] as const) {
      const r = run(['audit', url, `redis://127.0.0.1:${port}`, '--format', format, '--timeout', '3000'], repo);
      expect(r.code).toBe(3);
      if (format === 'json') {
        const [ok, dead] = JSON.parse(r.stdout) as Report[];
        expect(ok?.started_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(Date.parse(ok!.finished_at!)).toBeGreaterThanOrEqual(Date.parse(ok!.started_at!));
        expect(dead?.level_achieved).toBeNull();
        expect(dead?.error?.message.startsWith(dead.error.code)).toBe(false);
      } else {
        expect(r.stdout, format).toMatch(/started \d{4}-\d\d-\d\dT/);
        expect(r.stdout, format).toMatch(/not audited: CONNREFUSED: /);
        expect(r.stdout, format).not.toMatch(/CONNREFUSED: CONNREFUSED/);
      }
    }
  });

  it('gap.drift shows in text, markdown, HTML and SARIF', () => {
    for (const format of ['text', 'markdown', 'html', 'sarif', 'gitlab', 'junit'] as const) {
      const r = run(['audit', url, '--profile', 'hardened', '--format', format], repo);
      expect(r.stdout, `${format}: ${r.stderr} ${r.stdout.slice(0, 600)}`).toMatch(/drift/i);
      expect(r.stdout, format).toContain('protected-mode');
    }
    const sarif = JSON.parse(run(['audit', url, '--profile', 'hardened', '--format', 'sarif'], repo).stdout) as Sarif;
    const drift = sarif.runs[0]!.results.filter((x) => x.ruleId === 'PROFILE-DRIFT');
    expect(drift.map((d) => d.message.text)).toContain('protected-mode: expected yes, actual no');
  });

  it('lint names the version its rules assumed and where it came from', () => {
    expect(lint('text').stdout.split('\n')[1]).toBe('server: redis 7.2 assumed (the default; set --redis-version)');
    expect(lint('text', ['--redis-version', '7.0']).stdout.split('\n')[1]).toBe('server: redis 7.0 assumed (from --redis-version)');
    expect(lint('markdown', ['--redis-version', '7.0.15']).stdout).toContain('redis 7.0.15 \\(from --redis-version\\)');
  });

  it('a closed pipe ends the CLI quietly with its exit code', () => {
    const r = spawnSync('bash', ['-c', `node ${JSON.stringify(CLI)} lint deploy/redis.conf --format sarif | head -c 20 >/dev/null; echo "exit=\${PIPESTATUS[0]}"`], { cwd: repo, encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('exit=1');
    expect(r.stderr).toBe('');
  });

  it('colour: off with NO_COLOR, FORCE_COLOR=0 and TERM=dumb; every coloured line resets before its newline', () => {
    for (const env of [{ NO_COLOR: '1', FORCE_COLOR: '1' }, { FORCE_COLOR: '0' }, { FORCE_COLOR: '1', TERM: 'dumb' }]) {
      expect(run(['lint', 'deploy/redis.conf'], repo, env).stdout, JSON.stringify(env)).not.toContain('\u001b[');
    }
    const coloured = run(['lint', 'deploy/redis.conf'], repo, { FORCE_COLOR: '1', TERM: 'xterm', NO_COLOR: '' }).stdout;
    expect(coloured).toContain('\u001b[');
    // No colour is open at a line's end: the last SGR code on every line is the reset.
    for (const line of coloured.split('\n')) {
      const codes = line.match(/\u001b\[[0-9;]*m/g) ?? [];
      if (codes.length > 0) expect(codes[codes.length - 1], JSON.stringify(line)).toBe('\u001b[0m');
    }
  });
});
