/**
 * A Docker Compose service that runs the server, as OS-CONTAINER sees it: which image, whether the
 * server's port is published on every host interface, and whether protected mode ends up on.
 * Pure: the caller reads the file.
 */
import { createRequire } from 'node:module';
import type { YAMLMap } from 'yaml';
import { InputError } from '../errors.js';

/**
 * yaml costs about 80 ms to load; only `lint --compose` needs it, so it is required on first use
 * (its CommonJS build) rather than imported by every command that reaches facts/.
 */
type Yaml = typeof import('yaml');
let yamlModule: Yaml | undefined;
const yaml = (): Yaml => (yamlModule ??= createRequire(import.meta.url)('yaml') as Yaml);

export interface ContainerFacts {
  /** The compose file and service, e.g. "docker-compose.yml: services.cache". */
  source: string;
  image: string;
  /** The server's port published without a host address (or on 0.0.0.0 / ::). */
  publishedOnAllInterfaces: boolean;
  /** The mappings of the server's port, as written. */
  ports: string[];
  /** What the container's server runs with: on, off, or unknown (an image whose entrypoint we do not know). */
  protectedMode: 'on' | 'off' | 'unknown';
  /** Why protectedMode is what it is. */
  protectedModeWhy: string;
}

export interface ComposeOptions {
  /** The service to read; default: the one whose image is redis or valkey. */
  service?: string;
  /** protected-mode as the config file given to lint sets it explicitly (undefined: not set there). */
  configProtectedMode?: string;
  /** The port the server listens on inside the container (the config's `port`, default 6379). */
  configPort?: number;
}

/**
 * The official images build the server with protected mode off and their entrypoints add
 * `--protected-mode no` unless the command line or the config file sets it (docker-library/redis
 * #232, valkey-container): off unless written down.
 */
const OFFICIAL = /^(?:(?:docker\.io\/)?(?:library\/)?redis|(?:docker\.io\/)?valkey\/valkey)(?::[^/]*)?(?:@sha256:[0-9a-f]+)?$/;
const SERVER_IMAGE = /(?:^|\/)(?:redis|valkey)[^/]*(?::|@|$)/;

function text(node: unknown): string | undefined {
  if (yaml().isScalar(node)) return node.value === null || node.value === undefined ? undefined : String(node.value);
  return undefined;
}

/** The command as an argv: a list as is, a string split on white space (compose's own split for simple commands). */
function commandArgs(node: unknown): string[] | undefined {
  if (node === undefined || node === null) return undefined;
  if (yaml().isSeq(node)) return node.items.map((i) => text(i) ?? '');
  const s = text(node);
  return s === undefined ? undefined : s.split(/\s+/).filter((w) => w !== '');
}

const ALL_INTERFACES = new Set(['', '0.0.0.0', '::', '[::]']);

interface Mapping {
  written: string;
  hostIp: string;
  containerFrom: number;
  containerTo: number;
}

/** `[[IP:]HOST:]CONTAINER[/PROTO]` with port ranges and bracketed IPv6 addresses. */
function shortMapping(written: string): Mapping | undefined {
  const spec = written.replace(/\/(tcp|udp|sctp)$/i, '');
  let hostIp = '';
  let rest = spec;
  const v6 = /^\[([^\]]*)\]:(.*)$/.exec(spec);
  if (v6) {
    hostIp = v6[1] ?? '';
    rest = v6[2] ?? '';
  }
  const parts = rest.split(':');
  if (!v6 && parts.length === 3) hostIp = parts.shift() ?? '';
  const container = parts[parts.length - 1] ?? '';
  const range = /^(\d+)(?:-(\d+))?$/.exec(container);
  if (!range || parts.length > 2) return undefined;
  const from = Number(range[1]);
  return { written, hostIp, containerFrom: from, containerTo: range[2] ? Number(range[2]) : from };
}

function longMapping(map: YAMLMap): Mapping | undefined {
  const target = text(map.get('target', true));
  if (target === undefined || !/^\d+$/.test(target)) return undefined;
  const hostIp = text(map.get('host_ip', true)) ?? '';
  const published = text(map.get('published', true));
  return { written: `${hostIp ? `${hostIp}:` : ''}${published ?? ''}:${target}`, hostIp, containerFrom: Number(target), containerTo: Number(target) };
}

export function parseCompose(source: string, file: string, opts: ComposeOptions = {}): ContainerFacts {
  const { isMap, isSeq, LineCounter, parseDocument } = yaml();
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    const { line } = lines.linePos(error.pos[0]);
    throw new InputError(error.message.split('\n')[0] ?? 'invalid YAML', `${file}:${line}`);
  }
  const services = doc.get('services', true);
  if (!isMap(services)) throw new InputError('no services: this is not a Compose file', file);
  const named = services.items.map((p) => ({ name: text(p.key) ?? '', spec: p.value }));
  const candidates = opts.service !== undefined ? named.filter((s) => s.name === opts.service) : named.filter((s) => isMap(s.spec) && SERVER_IMAGE.test(text(s.spec.get('image', true)) ?? ''));
  if (candidates.length !== 1) {
    const what = opts.service !== undefined ? `no service named ${opts.service}` : candidates.length === 0 ? 'no service runs a redis or valkey image' : `several services run redis or valkey (${candidates.map((c) => c.name).join(', ')})`;
    throw new InputError(`${what}; name one with --compose-service`, file);
  }
  const { name, spec } = candidates[0]!;
  if (!isMap(spec)) throw new InputError(`service ${name} is not a mapping`, file);
  const image = text(spec.get('image', true)) ?? '(built here)';

  const args = commandArgs(spec.get('command', true)) ?? [];
  const portArg = args.lastIndexOf('--port');
  const port = portArg >= 0 && /^\d+$/.test(args[portArg + 1] ?? '') ? Number(args[portArg + 1]) : (opts.configPort ?? 6379);

  const mappings: Mapping[] = [];
  const ports = spec.get('ports', true);
  if (isSeq(ports)) {
    for (const item of ports.items) {
      const m = isMap(item) ? longMapping(item) : shortMapping(text(item) ?? '');
      if (m && m.containerFrom <= port && port <= m.containerTo) mappings.push(m);
    }
  }
  const hostNetwork = text(spec.get('network_mode', true)) === 'host';

  const pmArg = args.lastIndexOf('--protected-mode');
  const fromArgs = pmArg >= 0 ? args[pmArg + 1] : undefined;
  const namesConfig = args.some((a) => a.endsWith('.conf'));
  const ownEntrypoint = spec.get('entrypoint', true) !== undefined;
  let protectedMode: ContainerFacts['protectedMode'];
  let protectedModeWhy: string;
  if (fromArgs !== undefined) {
    protectedMode = /^yes$/i.test(fromArgs) ? 'on' : 'off';
    protectedModeWhy = `command: --protected-mode ${fromArgs}`;
  } else if (namesConfig && opts.configProtectedMode !== undefined) {
    protectedMode = /^yes$/i.test(opts.configProtectedMode) ? 'on' : 'off';
    protectedModeWhy = `the config file sets protected-mode ${opts.configProtectedMode}`;
  } else if (OFFICIAL.test(image) && !ownEntrypoint) {
    protectedMode = 'off';
    protectedModeWhy = `${image} runs with protected mode off unless the command line or config file turns it on`;
  } else {
    protectedMode = 'unknown';
    protectedModeWhy = `${image}${ownEntrypoint ? ' with its own entrypoint' : ''}: its protected-mode default is not known here`;
  }
  return {
    source: `${file}: services.${name}`,
    image,
    publishedOnAllInterfaces: !hostNetwork && mappings.some((m) => ALL_INTERFACES.has(m.hostIp)),
    ports: mappings.map((m) => m.written),
    protectedMode,
    protectedModeWhy,
  };
}
