/**
 * One password rotation across several processes that share the password: the nodes (--targets:
 * cluster nodes, where ACLs are per node, or any set of servers with the same user), the replicas
 * whose masterauth holds it, and the sentinels whose auth-pass holds it.
 *   begin   every node, replica and sentinel is checked before anything changes; then begin on
 *           each node (password.ts, one new password for all), then each replica and sentinel
 *           gets it (peers.ts). The first failure stops the run: every old password is still valid.
 *   finish  verifies everything first (each node holds the new hash and AUTH with it works, each
 *           replica got it and its link is up, each sentinel got it and sees the master up); only
 *           when all pass does it remove the old passwords, node by node.
 * The fleet's state file (fleet-state.ts) records each step, so a re-run resumes where it stopped.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { InputError, TargetError, UsageError } from '../errors.js';
import { generatePassword, passwordHash } from '../generate/secrets.js';
import { parseTarget } from '../resp/index.js';
import { visible } from '../text/visible.js';
import { readFleetState, writeFleetState, type FleetRotationState, type PeerState } from './fleet-state.js';
import { adminCredentials, beginRotation, finishRotation, readSecretFile, rotationStatus, verifyBegun, type RotateCheck, type RotateOptions, type RotatePhase, type RotateResult, type StateStore } from './password.js';
import { peerReport, replicaLinkCheck, replicaPreflight, sentinelCheck, updateReplica, updateSentinel, type PeerOptions, type PeerReport } from './peers.js';
import type { RotationState } from './state.js';

export interface FleetRotateOptions extends Omit<RotateOptions, 'url' | 'stateStore' | 'secret' | 'statePath'> {
  /** The fleet's state file (one record per node; hashes and times only). */
  statePath: string;
  /** The nodes: every one gets the new password through ACL SETUSER. */
  urls: string[];
  /** Replicas whose masteruser is the rotated user: their masterauth gets the new password. */
  replicas?: string[] | undefined;
  /** Sentinels monitoring `sentinelMaster` with the rotated user: their auth-pass gets it. */
  sentinels?: string[] | undefined;
  sentinelMaster?: string | undefined;
  /** The sentinels' own password (else the sentinel URL's, else none). */
  sentinelPasswordFile?: string | undefined;
  /** Re-link each replica after its masterauth changed, proving the new password end to end. */
  relinkReplicas?: boolean | undefined;
  /** How long a replica may take to re-link (default the larger of 10 s and the timeout). */
  linkWaitMs?: number | undefined;
}

export interface FleetRotateResult {
  phase: RotatePhase;
  user: string;
  applied: boolean;
  /** Every check that ran passed. */
  ok: boolean;
  /** Why it stopped: a check failed (exit 1) or a target failed (exit 3). */
  failure?: 'verify' | 'target' | undefined;
  /** finish: the checks made on every node before anything was removed. */
  verified?: { target: string; checks: RotateCheck[] }[] | undefined;
  nodes: RotateResult[];
  peers: PeerReport[];
  notes: string[];
  state?: FleetRotationState | undefined;
  /** begin with printSecret only; never part of a rendered report. */
  secret?: string | undefined;
}

interface Fleet {
  opts: FleetRotateOptions;
  nodes: string[];
  replicas: string[];
  sentinels: string[];
  master: string | undefined;
  state: FleetRotationState | undefined;
}

function displays(urls: readonly string[], what: string): string[] {
  const seen = new Set<string>();
  for (const url of urls) {
    const d = parseTarget(url).display;
    if (seen.has(d)) throw new UsageError(`${what} ${visible(d)} is listed twice`);
    seen.add(d);
  }
  return [...seen];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const other = new Set(b);
  return a.length === b.length && a.every((x) => other.has(x));
}

function fleet(opts: FleetRotateOptions): Fleet {
  if (opts.urls.length === 0) throw new UsageError('give a URL or --targets FILE');
  const nodes = displays(opts.urls, 'target');
  const replicas = displays(opts.replicas ?? [], 'replica');
  const sentinels = displays(opts.sentinels ?? [], 'sentinel');
  for (const r of replicas) if (nodes.includes(r)) throw new UsageError(`${visible(r)} is listed as a node and as a replica`);
  if (sentinels.length > 0 && (opts.sentinelMaster === undefined || opts.sentinelMaster === '')) throw new UsageError('--sentinel needs --sentinel-master NAME (the name the sentinels monitor the master under)');
  if (opts.sentinelMaster !== undefined && /[\s\x00-\x1f\x7f]/.test(opts.sentinelMaster)) throw new UsageError('--sentinel-master must be a name without spaces or control characters');
  const state = readFleetState(opts.statePath);
  if (state) {
    // A pending begin may not have reached every node yet; from then on every node has its state.
    const mismatch =
      state.user !== opts.user ||
      !state.nodes.every((n) => nodes.includes(n.target)) ||
      (state.phase !== 'pending' && state.nodes.length !== nodes.length) ||
      !sameSet(state.replicas.map((r) => r.target), replicas) ||
      !sameSet(state.sentinels.map((s) => s.target), sentinels) ||
      (sentinels.length > 0 && state.sentinel_master !== opts.sentinelMaster);
    if (mismatch) throw new UsageError(`${opts.statePath}: this state file belongs to a rotation of user '${visible(state.user)}' on other targets, replicas or sentinels; run with the same ones (or another --state)`);
  }
  return { opts, nodes, replicas, sentinels, master: opts.sentinelMaster, state };
}

function save(f: Fleet): void {
  if (f.state) writeFleetState(f.opts.statePath, f.state);
}

/** Node `display`'s state, kept inside the fleet's file. */
function nodeStore(f: Fleet, display: string): StateStore {
  return {
    read: () => f.state?.nodes.find((n) => n.target === display),
    write: (s: RotationState) => {
      if (!f.state) return;
      f.state.nodes = [...f.state.nodes.filter((n) => n.target !== display), s];
      save(f);
    },
  };
}

function nodeOptions(f: Fleet, url: string, secret: string | undefined): RotateOptions {
  const { urls: _u, replicas: _r, sentinels: _s, sentinelMaster: _m, sentinelPasswordFile: _p, relinkReplicas: _l, linkWaitMs: _w, ...rest } = f.opts;
  return { ...rest, url, stateStore: nodeStore(f, parseTarget(url).display), secret, secretOut: undefined, printSecret: false };
}

function peerOptions(f: Fleet, url: string, role: PeerReport['role']): PeerOptions {
  const target = parseTarget(url);
  let auth: PeerOptions['auth'];
  if (role === 'replica') auth = adminCredentials({ ...f.opts, url }, url);
  else if (f.opts.sentinelPasswordFile !== undefined) auth = { ...(target.user !== undefined ? { user: target.user } : {}), password: readSecretFile(f.opts.sentinelPasswordFile, 'sentinel password file') };
  else if (target.password !== undefined) auth = { ...(target.user !== undefined ? { user: target.user } : {}), password: target.password };
  return { url, user: f.opts.user, auth, tls: f.opts.tls, timeoutMs: f.opts.timeoutMs ?? 5000, linkWaitMs: f.opts.linkWaitMs, relink: f.opts.relinkReplicas === true, persist: f.opts.persist, readOnly: f.opts.apply !== true };
}

function urlOf(f: Fleet, display: string, list: 'replicas' | 'sentinels'): string {
  const urls = f.opts[list] ?? [];
  return urls.find((u) => parseTarget(u).display === display) ?? display;
}

function result(f: Fleet, phase: RotatePhase, nodes: RotateResult[], peers: PeerReport[], notes: string[], failure?: FleetRotateResult['failure'], verified?: FleetRotateResult['verified']): FleetRotateResult {
  const checks = [...(verified ?? []).flatMap((v) => v.checks), ...nodes.flatMap((n) => n.checks), ...peers.flatMap((p) => p.checks)];
  const ok = failure === undefined && nodes.every((n) => n.ok) && checks.every((c) => c.ok !== false);
  return { phase, user: f.opts.user, applied: f.opts.apply === true, ok, failure: failure ?? (ok ? undefined : 'verify'), verified, nodes, peers, notes, state: f.state };
}

/** Runs one step; a target failure (unreachable, refused ...) becomes a note and a stop. */
async function step(notes: string[], run: () => Promise<void>): Promise<'target' | undefined> {
  try {
    await run();
    return undefined;
  } catch (e) {
    if (!(e instanceof TargetError)) throw e;
    // The message names the target already.
    notes.push(`stopped: ${e.message}`);
    return 'target';
  }
}

/** The secret of an interrupted begin, when --secret-out holds it. */
function resumedSecret(f: Fleet): string | undefined {
  if (!f.state || f.opts.secretOut === undefined || !existsSync(f.opts.secretOut)) return undefined;
  try {
    const text = readFileSync(f.opts.secretOut, 'utf8').replace(/\r?\n$/, '');
    return passwordHash(text) === f.state.new_hash ? text : undefined;
  } catch {
    return undefined;
  }
}

export async function beginFleetRotation(opts: FleetRotateOptions): Promise<FleetRotateResult> {
  if (opts.apply && opts.secretOut === undefined && !opts.printSecret) throw new UsageError('begin --apply needs --secret-out FILE or --print-secret: the new password must go somewhere');
  if (opts.secretOut !== undefined && opts.printSecret) throw new UsageError('--secret-out and --print-secret exclude each other');
  const f = fleet(opts);
  const nodes: RotateResult[] = [];
  const peers: PeerReport[] = [];
  const notes: string[] = [];
  let secret = resumedSecret(f);
  // Once begun, a re-run with the password (--secret-out) re-checks every node and gives the
  // password again where it went missing; without it there is nothing it could add.
  if (f.state?.phase === 'finished' || (f.state?.phase === 'begun' && (secret === undefined || !opts.apply))) {
    notes.push(`already ${f.state.phase} at ${f.state.phase === 'begun' ? f.state.began_at : f.state.finished_at ?? ''}: nothing sent${f.state.phase === 'begun' ? '; move the clients, then run finish' : ''}`);
    return result(f, 'begin', nodes, peers, notes);
  }
  if (!opts.apply) {
    // Dry run: each node's own dry run, then what each replica and sentinel would get.
    for (const url of opts.urls) nodes.push(await beginRotation(nodeOptions(f, url, secret)));
    for (const url of opts.replicas ?? []) {
      const r = peerReport('replica', url);
      await replicaPreflight(peerOptions(f, url, 'replica'), r, false);
      await updateReplica(peerOptions(f, url, 'replica'), '', r, false);
      peers.push(r);
    }
    for (const url of opts.sentinels ?? []) {
      const r = peerReport('sentinel', url);
      await sentinelCheck(peerOptions(f, url, 'sentinel'), f.master ?? '', r, 'sentinel monitors the master and sees it up');
      await updateSentinel(peerOptions(f, url, 'sentinel'), f.master ?? '', '', r, false);
      peers.push(r);
    }
    notes.push('one new password for every node, replica and sentinel; nodes first, while the old password stays valid everywhere');
    return result(f, 'begin', nodes, peers, notes);
  }
  if (secret === undefined && opts.secretOut !== undefined && existsSync(opts.secretOut)) {
    throw new InputError('already exists: redsec never overwrites a secret file (move it away or choose another)', opts.secretOut);
  }
  // Everything is checked before anything changes: reachable, the user exists with a password,
  // replicas authenticate as the user with their link up and can persist, sentinels monitor the master.
  for (const url of opts.urls) {
    // With the password of an interrupted begin, so a node that already holds it is not taken for
    // one holding a password nobody has.
    const dry = await beginRotation({ ...nodeOptions(f, url, secret), apply: false });
    if (!dry.ok) {
      nodes.push(dry);
      return result(f, 'begin', nodes, peers, [...notes, `stopped before any change: ${dry.target} failed its checks`], 'verify');
    }
  }
  const replicaReports = new Map<string, PeerReport>();
  for (const url of opts.replicas ?? []) {
    const r = peerReport('replica', url);
    replicaReports.set(r.target, r);
    await replicaPreflight(peerOptions(f, url, 'replica'), r, true);
  }
  const sentinelReports = new Map<string, PeerReport>();
  for (const url of opts.sentinels ?? []) {
    const r = peerReport('sentinel', url);
    sentinelReports.set(r.target, r);
    if (!(await sentinelCheck(peerOptions(f, url, 'sentinel'), f.master ?? '', r, 'sentinel sees the master up before'))) {
      peers.push(r);
      return result(f, 'begin', nodes, peers, [...notes, `stopped before any change: ${r.target} does not see the master up`], 'verify');
    }
  }
  const fresh = secret === undefined;
  secret ??= generatePassword(opts.random);
  const newHash = passwordHash(secret);
  if (fresh && f.state) {
    // An interrupted begin whose password nobody holds: every copy given out is given again.
    notes.push('an interrupted begin left a password nobody holds: a new one is made and every node, replica and sentinel gets it');
    f.state.replicas = f.state.replicas.map((r) => ({ target: r.target }));
    f.state.sentinels = f.state.sentinels.map((s) => ({ target: s.target }));
    f.state.nodes = f.state.nodes.map((n) => (n.new_hash !== newHash ? { ...n, phase: 'pending' } : n));
  }
  f.state = {
    version: 1,
    kind: 'fleet',
    user: opts.user,
    phase: 'pending',
    new_hash: newHash,
    began_at: f.state?.began_at ?? (opts.now?.() ?? new Date()).toISOString(),
    nodes: f.state?.nodes ?? [],
    replicas: f.state?.replicas ?? f.replicas.map((target) => ({ target })),
    sentinel_master: f.master,
    sentinels: f.state?.sentinels ?? f.sentinels.map((target) => ({ target })),
  };
  save(f);
  if (fresh && opts.secretOut !== undefined) {
    try {
      writeFileSync(opts.secretOut, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      throw new InputError(`cannot create secret file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, opts.secretOut);
    }
  }
  const key = secret;
  for (const url of opts.urls) {
    let r: RotateResult | undefined;
    const failed = await step(notes, async () => {
      r = await beginRotation(nodeOptions(f, url, key));
    });
    if (r) nodes.push(r);
    if (failed) return result(f, 'begin', nodes, peers, [...notes, 'the old password is still valid on every node'], failed);
    if (r && !r.ok) return result(f, 'begin', nodes, peers, [...notes, `stopped after ${r.target} failed its checks: the old password is still valid on every node`], 'verify');
  }
  const peerStep = async (list: PeerState[], role: PeerReport['role'], reports: Map<string, PeerReport>, run: (o: PeerOptions, r: PeerReport) => Promise<void>): Promise<FleetRotateResult | undefined> => {
    for (const p of list) {
      const r = reports.get(p.target) ?? peerReport(role, p.target);
      peers.push(r);
      if (p.updated_at !== undefined) {
        r.notes.push(`already given the new password at ${p.updated_at}`);
        continue;
      }
      const failed = await step(notes, () => run(peerOptions(f, urlOf(f, p.target, role === 'replica' ? 'replicas' : 'sentinels'), role), r));
      const bad = failed !== undefined || r.checks.some((c) => c.ok === false);
      if (bad) return result(f, 'begin', nodes, peers, [...notes, `stopped at ${role} ${p.target}: the old password is still valid everywhere; fix it and run begin again`], failed ?? 'verify');
      p.updated_at = (opts.now?.() ?? new Date()).toISOString();
      save(f);
    }
    return undefined;
  };
  const stoppedAtReplica = await peerStep(f.state.replicas, 'replica', replicaReports, (o, r) => updateReplica(o, key, r, true));
  if (stoppedAtReplica) return stoppedAtReplica;
  const stoppedAtSentinel = await peerStep(f.state.sentinels, 'sentinel', sentinelReports, (o, r) => updateSentinel(o, f.master ?? '', key, r, true));
  if (stoppedAtSentinel) return stoppedAtSentinel;
  f.state.phase = 'begun';
  save(f);
  if (!fresh) notes.push('resumed an interrupted begin with the password already in --secret-out');
  return { ...result(f, 'begin', nodes, peers, notes), ...(opts.printSecret ? { secret: key } : {}) };
}

export async function fleetStatus(opts: FleetRotateOptions): Promise<FleetRotateResult> {
  const f = fleet(opts);
  const nodes: RotateResult[] = [];
  const peers: PeerReport[] = [];
  const notes: string[] = [f.state ? `fleet phase ${f.state.phase}, begun ${f.state.began_at}` : 'no rotation state: no begin recorded'];
  for (const url of opts.urls) nodes.push(await rotationStatus(nodeOptions(f, url, undefined)));
  for (const url of opts.replicas ?? []) {
    const r = peerReport('replica', url);
    const p = f.state?.replicas.find((x) => x.target === r.target);
    r.notes.push(p?.updated_at !== undefined ? `masterauth updated at ${p.updated_at}` : 'masterauth not updated yet');
    await replicaLinkCheck(peerOptions(f, url, 'replica'), r, 'replica link up');
    peers.push(r);
  }
  for (const url of opts.sentinels ?? []) {
    const r = peerReport('sentinel', url);
    const p = f.state?.sentinels.find((x) => x.target === r.target);
    r.notes.push(p?.updated_at !== undefined ? `auth-pass updated at ${p.updated_at}` : 'auth-pass not updated yet');
    await sentinelCheck(peerOptions(f, url, 'sentinel'), f.master ?? '', r, 'sentinel sees the master up');
    peers.push(r);
  }
  return result(f, 'status', nodes, peers, notes);
}

export async function finishFleetRotation(opts: FleetRotateOptions): Promise<FleetRotateResult> {
  const f = fleet(opts);
  const state = f.state;
  if (!state || state.phase === 'pending') throw new UsageError(`${opts.statePath}: no completed begin recorded for this fleet (run begin until it completes)`);
  const secret = opts.secretFile !== undefined ? readSecretFile(opts.secretFile, 'secret file') : undefined;
  if (opts.apply && secret === undefined) throw new UsageError('finish --apply needs --secret-file FILE (the new password) to verify it still authenticates');
  if (secret !== undefined && passwordHash(secret) !== state.new_hash) throw new UsageError(`${opts.secretFile}: this is not the password begin set (its hash differs from the state file)`);
  const nodes: RotateResult[] = [];
  const peers: PeerReport[] = [];
  const notes: string[] = [];
  // 1. Verify everything; nothing is removed anywhere unless every check passes.
  const verify: NonNullable<FleetRotateResult['verified']> = [];
  const KEPT = 'nothing was removed anywhere: every old password is still valid';
  for (const url of opts.urls) {
    const display = parseTarget(url).display;
    const entry = { target: display, checks: [] as RotateCheck[] };
    verify.push(entry);
    const failed = await step(notes, async () => {
      // A dry run without the secret checks what it can: the new hash is on the user.
      entry.checks = secret !== undefined ? await verifyBegun(nodeOptions(f, url, undefined), secret) : (await finishRotation({ ...nodeOptions(f, url, undefined), apply: false })).checks;
    });
    if (failed) return result(f, 'finish', nodes, peers, [...notes, KEPT], 'target', verify);
  }
  for (const p of state.replicas) {
    const r = peerReport('replica', p.target);
    peers.push(r);
    r.checks.push({ name: 'replica has the new password', ok: p.updated_at !== undefined, detail: p.updated_at !== undefined ? `masterauth updated and re-linked at ${p.updated_at}` : 'masterauth was not updated' });
    const failed = await step(notes, async () => {
      await replicaLinkCheck(peerOptions(f, urlOf(f, p.target, 'replicas'), 'replica'), r, 'replica link up before the old password goes');
    });
    if (failed) return result(f, 'finish', nodes, peers, [...notes, KEPT], 'target', verify);
  }
  for (const p of state.sentinels) {
    const r = peerReport('sentinel', p.target);
    peers.push(r);
    r.checks.push({ name: 'sentinel has the new password', ok: p.updated_at !== undefined, detail: p.updated_at !== undefined ? `auth-pass updated at ${p.updated_at}` : 'auth-pass was not updated' });
    const failed = await step(notes, async () => {
      await sentinelCheck(peerOptions(f, urlOf(f, p.target, 'sentinels'), 'sentinel'), state.sentinel_master ?? '', r, 'sentinel sees the master up');
    });
    if (failed) return result(f, 'finish', nodes, peers, [...notes, KEPT], 'target', verify);
  }
  const verified = verify.every((v) => v.checks.every((c) => c.ok !== false)) && peers.every((p) => p.checks.every((c) => c.ok !== false));
  if (!verified) return result(f, 'finish', nodes, peers, [...notes, `a check failed: ${KEPT}`], 'verify', verify);
  // 2. Remove the old passwords, node by node (each verifies and persists on its own).
  for (const url of opts.urls) {
    let r: RotateResult | undefined;
    const failed = await step(notes, async () => {
      r = await finishRotation(nodeOptions(f, url, undefined));
    });
    if (r) nodes.push(r);
    if (failed) return result(f, 'finish', nodes, peers, notes, failed, verify);
    if (r && !r.ok) return result(f, 'finish', nodes, peers, [...notes, `stopped after ${r.target} failed its checks`], 'verify', verify);
  }
  if (!opts.apply) {
    notes.push('every node, replica and sentinel is verified first; old passwords are removed only when all pass');
    return result(f, 'finish', nodes, peers, notes, undefined, verify);
  }
  // 3. The replicas' links after the removal (open links stay; a re-link uses the new password).
  for (const p of state.replicas) {
    const r = peers.find((x) => x.target === p.target) ?? peerReport('replica', p.target);
    const failed = await step(notes, async () => {
      await replicaLinkCheck(peerOptions(f, urlOf(f, p.target, 'replicas'), 'replica'), r, 'replica link up after');
    });
    if (failed) return result(f, 'finish', nodes, peers, notes, failed, verify);
  }
  state.phase = 'finished';
  state.finished_at ??= (opts.now?.() ?? new Date()).toISOString();
  save(f);
  return result(f, 'finish', nodes, peers, notes, undefined, verify);
}
