import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { Option, type Command } from 'commander';
import { InputError, UsageError } from '../../errors.js';
// The implementation is imported when the action runs: start-up stays small for every other command.
import type { InspectionOptions, MozillaProfileName, TlsInspection } from '../../tls/index.js';
import { TOOL_NAME, VERSION } from '../../version.js';
import { action, out } from '../action.js';
import { EXIT } from '../exit.js';
import { warnPasswordInUrls } from '../url-password.js';

interface TlsInspectFlags {
  cert?: string[];
  ca?: string;
  cacert?: string;
  key?: string;
  insecure?: boolean;
  servername?: string;
  hostname?: string;
  profile: MozillaProfileName;
  requireClientAuth?: boolean;
  warnDays: string;
  timeout: string;
  format: 'text' | 'json';
}

async function readInput(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    throw new InputError(`cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`, file);
  }
}

function positiveInt(text: string, flag: string, min = 0): number {
  if (!/^\d+$/.test(text) || Number(text) < min) throw new UsageError(`${flag} must be a whole number >= ${min}, got ${JSON.stringify(text)}`);
  return Number(text);
}

async function inspectFiles(files: string[], caFile: string | undefined, options: InspectionOptions): Promise<TlsInspection[]> {
  const ca = caFile !== undefined ? await readInput(caFile) : undefined;
  const { inspectCertificateFile } = await import('../../tls/index.js');
  const results: TlsInspection[] = [];
  for (const file of files) {
    const content = await readInput(file);
    results.push(inspectCertificateFile(file, content, { ...options, ...(ca ? { ca } : {}) }));
  }
  return results;
}

async function inspectUrl(url: string, flags: TlsInspectFlags, options: InspectionOptions): Promise<TlsInspection> {
  const [{ parseTarget, probeTls }, { inspectLiveTls }] = await Promise.all([import('../../resp/index.js'), import('../../tls/index.js')]);
  const target = parseTarget(url);
  const caFile = flags.cacert ?? flags.ca;
  const clientCert = flags.cert?.[0];
  if ((flags.cert?.length ?? 0) > 1) throw new UsageError('live inspection takes one --cert (the client certificate)');
  if ((clientCert === undefined) !== (flags.key === undefined)) throw new UsageError('--cert and --key go together for a client certificate');
  const ca = caFile !== undefined ? await readInput(caFile) : undefined;
  const probe = await probeTls(target.host, target.port, {
    ...(ca ? { ca } : {}),
    ...(clientCert !== undefined ? { cert: await readInput(clientCert) } : {}),
    ...(flags.key !== undefined ? { key: await readInput(flags.key) } : {}),
    ...(flags.servername !== undefined ? { servername: flags.servername } : {}),
    ...(flags.insecure ? { insecure: true } : {}),
    timeoutMs: positiveInt(flags.timeout, '--timeout', 1),
    display: target.display,
  });
  // Without --cacert the chain is judged against Node's bundled public roots; --insecure skips it.
  const trust = flags.insecure ? {} : { ca: ca ?? rootCertificates.join('\n') };
  return inspectLiveTls(target.display, probe, { ...options, ...trust, hostname: flags.hostname ?? flags.servername ?? target.host });
}

export function registerTls(program: Command): void {
  const tls = program.command('tls').description('TLS certificates and TLS ports against the Mozilla profiles');
  tls
    .command('inspect')
    .description('Inspect certificate files (--cert FILE) offline, or a live TLS port (URL): protocols, cipher suites, client-certificate requirement and the certificate, compared with a Mozilla profile.')
    .argument('[url]', 'rediss://host:port of a live TLS port; omit to inspect --cert files offline')
    .option('--cert <file>', 'offline: certificate file to inspect (repeatable); live: client certificate', (v: string, prev: string[] = []) => [...prev, v])
    .option('--ca <file>', 'CA certificate(s) to verify the chain against')
    .option('--cacert <file>', 'same as --ca')
    .option('--key <file>', 'live: client private key for --cert')
    .option('--insecure', 'live: do not judge the chain (trust is reported as not verified)')
    .option('--servername <name>', 'live: SNI name; also the name checked against the SANs')
    .option('--hostname <name>', 'DNS name or IP clients dial, checked against the SANs (live default: the URL host)')
    .addOption(new Option('--profile <name>', 'Mozilla profile').choices(['modern', 'intermediate']).default('intermediate'))
    .option('--require-client-auth', 'live: fail unless client certificates are required (hardened and compliance levels)')
    .option('--warn-days <days>', 'warn when a certificate expires within this many days', '30')
    .option('--timeout <ms>', 'live: per-handshake timeout', '5000')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(
      action(async (url: string | undefined, flags: TlsInspectFlags) => {
        warnPasswordInUrls([url]);
        const options: InspectionOptions = {
          profile: flags.profile,
          warnDays: positiveInt(flags.warnDays, '--warn-days'),
          ...(flags.requireClientAuth ? { requireClientAuth: true } : {}),
          ...(flags.hostname !== undefined ? { hostname: flags.hostname } : {}),
        };
        let inspections: TlsInspection[];
        if (url !== undefined) inspections = [await inspectUrl(url, flags, options)];
        else if (flags.cert && flags.cert.length > 0) inspections = await inspectFiles(flags.cert, flags.cacert ?? flags.ca, options);
        else throw new UsageError('tls inspect needs a URL (live) or --cert FILE (offline)');
        const { renderTlsJson, renderTlsText } = await import('../../tls/index.js');
        out(flags.format === 'json' ? renderTlsJson(inspections, { name: TOOL_NAME, version: VERSION }) : renderTlsText(inspections));
        return inspections.some((i) => i.analysis.compliant === false) ? EXIT.findings : EXIT.ok;
      }),
    );
}
