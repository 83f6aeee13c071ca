import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { registerAcl } from './commands/acl.js';
import { registerAudit } from './commands/audit.js';
import { registerDiagnose } from './commands/diagnose.js';
import { registerExporter } from './commands/exporter.js';
import { registerGenerate } from './commands/generate.js';
import { registerLint } from './commands/lint.js';
import { registerMcp } from './commands/mcp.js';
import { registerReport } from './commands/report.js';
import { registerRotate } from './commands/rotate.js';
import { registerTls } from './commands/tls.js';
import { registerWatch } from './commands/watch.js';

/**
 * Builds the CLI. Each subcommand lives in cli/commands/<name>.ts and registers itself here.
 */
export function buildProgram(): Command {
  const program = new Command('redsec')
    .description('Make Redis and Valkey secure and prove it.')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str.split('\n')[0] + '\n') });

  // Subcommands (one line each, keep sorted):
  registerAcl(program);
  registerAudit(program);
  registerDiagnose(program);
  registerExporter(program);
  registerGenerate(program);
  registerLint(program);
  registerMcp(program);
  registerReport(program);
  registerRotate(program);
  registerTls(program);
  registerWatch(program);

  return program;
}

let pipesGuarded = false;

/**
 * A reader that closes early (`redsec lint ... | head -1`) is not an error: like `git log | head`,
 * redsec stops writing and ends quietly with the action's own exit code instead of an EPIPE trace.
 */
function guardClosedPipes(): void {
  if (pipesGuarded) return;
  pipesGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') return;
      throw e;
    });
  }
}

export async function main(argv: string[]): Promise<void> {
  guardClosedPipes();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    throw e;
  }
}
