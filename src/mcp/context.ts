/** What the operator decided at start, shared by every tool: targets, file roots, deadlines. */
import type { CveData } from '../cve/index.js';
import type { Root } from './roots.js';
import type { AllowedTarget } from './targets.js';

export interface McpContext {
  /** The only servers audit_server and diagnose_connection may reach, by name. */
  targets: ReadonlyMap<string, AllowedTarget>;
  /** Directories whose files the model may name (lint_config, acl_*). */
  readRoots: readonly Root[];
  /** The one directory bundles may be written under; absent: generate never writes. */
  writeRoot?: Root;
  /** Connect and reply deadline for live tools, in milliseconds. */
  timeoutMs: number;
  /** Where diagnostics go: stderr in the stdio server (stdout is the protocol). */
  log: (line: string) => void;
  /** The environment credentials are read from (process.env unless a test pins it). */
  env: NodeJS.ProcessEnv;
  /** CVE and end-of-life data the operator chose (--cve-data); absent: the bundled file. */
  cveData?: CveData | undefined;
  /** The state file of a running `redsec watch --state FILE` (--watch): watch_events reads its events. */
  watchStateFile?: string | undefined;
}
