/**
 * The MCP server: one tool per capability, each a thin adapter over the library. Annotations say
 * truthfully what a tool does; every failure comes back as a tool error, never a dead server.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { renderDiagnosisText } from '../diagnose/index.js';
import { renderText as renderReportText, type Report } from '../report/index.js';
import { VERSION } from '../version.js';
import type { McpContext } from './context.js';
import { guarded, toolResult } from './result.js';
import {
  AclCheckInputSchema,
  AclExplainInputSchema,
  AclExplanationSchema,
  AclVerdictSchema,
  DiagnosisSchema,
  GenerateInputSchema,
  GenerateOutputSchema,
  LintInputSchema,
  ListChecksInputSchema,
  ListChecksOutputSchema,
  ReportSchema,
  RotationPlanSchema,
  WatchEventsInputSchema,
  WatchEventsOutputSchema,
  auditInputSchema,
  diagnoseInputSchema,
  planRotationInputSchema,
} from './schemas.js';
import { aclCheck, aclExplain, renderVerdictText } from './tools/acl.js';
import { generateSecurityConfig } from './tools/generate.js';
import { lintOffLoop } from './offload.js';
import { listChecks, renderChecksText } from './tools/list-checks.js';
import { auditServer, diagnoseConnection } from './tools/live.js';
import { planRotation } from './tools/rotation.js';
import { renderRotateText } from '../rotate/render.js';
import { describeTarget } from './targets.js';
import { renderWatchEventsText, watchEvents } from './tools/watch-events.js';

/** Pure computation on the arguments alone: no I/O beyond reading allowed files. */
const OFFLINE: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
/** Talks to a server outside this process, read-only (the RESP allowlist forbids any write). */
const LIVE_READ_ONLY: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };

function reportText(r: Report): string {
  return renderReportText(r, { color: false });
}

export function createMcpServer(ctx: McpContext): McpServer {
  const server = new McpServer({ name: 'redsec', version: VERSION }, { capabilities: { tools: {} } });
  const names = [...ctx.targets.keys()];
  const targetList = [...ctx.targets.values()].map((t) => {
    const d = describeTarget(t);
    return `${d.name} (${d.url})`;
  });

  server.registerTool(
    'generate_security_config',
    {
      title: 'Generate a hardened Redis security configuration',
      description:
        "From a security profile (the seed's input_schema: security_level, compliance_requirements, network_exposure, plus optional deployment details) " +
        'build a version-correct hardened configuration: security_config (redis.conf directives), acl_rules, tls_config, audit_checklist and warnings. ' +
        'No secrets are returned. ' +
        (ctx.writeRoot
          ? 'With out_dir, the full bundle (redis.conf, users.acl with hashes, secrets.env, TLS certificates, firewall rules, CHECKLIST.md, monitoring/ Prometheus rules) is written to a new directory under the allowed write directory.'
          : 'This server does not write files (out_dir is refused): it was started without --allow-write.'),
      inputSchema: GenerateInputSchema,
      outputSchema: GenerateOutputSchema,
      // Writing creates a new directory with fresh secrets each time: not idempotent, but never
      // destructive (an existing non-empty directory is refused, nothing is replaced).
      annotations: ctx.writeRoot
        ? { title: 'Generate security config', readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false }
        : { title: 'Generate security config', ...OFFLINE },
    },
    (input) =>
      guarded(ctx.log, 'generate_security_config', async () => {
        const r = await generateSecurityConfig(ctx, input);
        return toolResult(r.structured, r.text);
      }),
  );

  server.registerTool(
    'audit_server',
    {
      title: 'Audit a live Redis server',
      description:
        'Non-destructive security audit of an allowlisted Redis/Valkey server, chosen by name: every check with status, severity, evidence, ' +
        'remediation and compliance references, the maturity level reached (0-4) and, with a profile, the gap to it. Sends only read-only commands. ' +
        (names.length ? `Targets: ${targetList.join(', ')}.` : 'No targets are configured on this server.'),
      inputSchema: auditInputSchema(names),
      outputSchema: ReportSchema,
      annotations: { title: 'Audit server', ...LIVE_READ_ONLY },
    },
    (input) =>
      guarded(ctx.log, 'audit_server', async () => {
        const report = await auditServer(ctx, input);
        return toolResult(report as unknown as Record<string, unknown>, reportText(report));
      }),
  );

  server.registerTool(
    'lint_config',
    {
      title: 'Lint a redis.conf offline',
      description:
        'Check redis.conf text (and optionally an ACL file) with the audit rules, offline: findings with file:line. ' +
        (ctx.readRoots.length
          ? 'Files (config_path, acl_path, includes, aclfile) are read only under the allowed directories.'
          : 'This server reads no files: pass config_text and acl_text; includes and aclfile paths are refused.'),
      inputSchema: LintInputSchema,
      outputSchema: ReportSchema,
      annotations: { title: 'Lint config', ...OFFLINE },
    },
    (input) =>
      guarded(ctx.log, 'lint_config', async () => {
        // In a worker thread: a huge config must not hold up the other tools.
        const report = await lintOffLoop(ctx, input);
        return toolResult(report as unknown as Record<string, unknown>, reportText(report));
      }),
  );

  server.registerTool(
    'acl_check',
    {
      title: 'Can this ACL user run this command?',
      description:
        "Evaluate a command line against an ACL user exactly as the given Redis version does (ACL DRYRUN semantics), offline: allowed or denied, and the rule that decided.",
      inputSchema: AclCheckInputSchema,
      outputSchema: AclVerdictSchema,
      annotations: { title: 'ACL check', ...OFFLINE },
    },
    (input) =>
      guarded(ctx.log, 'acl_check', () => {
        const v = aclCheck(ctx, input);
        return toolResult(v, renderVerdictText(v));
      }),
  );

  server.registerTool(
    'acl_explain',
    {
      title: 'Explain what an ACL user can do',
      description: 'Per category, what an ACL user can and cannot run, its key and channel patterns, and its risky grants, for the given Redis version.',
      inputSchema: AclExplainInputSchema,
      outputSchema: AclExplanationSchema,
      annotations: { title: 'ACL explain', ...OFFLINE },
    },
    (input) =>
      guarded(ctx.log, 'acl_explain', () => {
        const e = aclExplain(ctx, input);
        return toolResult(e.structured, e.text);
      }),
  );

  server.registerTool(
    'diagnose_connection',
    {
      title: 'Diagnose a failing Redis connection',
      description:
        'Connect to an allowlisted target the way the application does and name what fails: E601 NOAUTH, E602 NOPERM, E603 WRONGPASS, ' +
        'E604 TLS_HANDSHAKE, E605 PROTECTED, network or server-state faults, with the cause and the exact fix. ' +
        (names.length ? `Targets: ${targetList.join(', ')}.` : 'No targets are configured on this server.'),
      inputSchema: diagnoseInputSchema(names),
      outputSchema: DiagnosisSchema,
      annotations: { title: 'Diagnose connection', ...LIVE_READ_ONLY },
    },
    (input) =>
      guarded(ctx.log, 'diagnose_connection', async () => {
        const d = await diagnoseConnection(ctx, input);
        return toolResult(d as unknown as Record<string, unknown>, renderDiagnosisText(d));
      }),
  );

  server.registerTool(
    'plan_rotation',
    {
      title: 'Plan a password rotation (dry run)',
      description:
        "The plan of `redsec rotate password` for a user on an allowlisted target: the exact commands each phase would send (passwords masked), the checks it would make, " +
        'how the server persists users, and with phase status the connections still on the old password. Read-only: it cannot rotate. ' +
        'An agent must not rotate secrets itself: the new password would pass through the conversation, and clients must be moved between begin and finish by the operator, who runs the plan with --apply. ' +
        (names.length ? `Targets: ${targetList.join(', ')}.` : 'No targets are configured on this server.'),
      inputSchema: planRotationInputSchema(names),
      outputSchema: RotationPlanSchema,
      annotations: { title: 'Plan rotation', ...LIVE_READ_ONLY },
    },
    (input) =>
      guarded(ctx.log, 'plan_rotation', async () => {
        const plan = await planRotation(ctx, input);
        return toolResult(plan as unknown as Record<string, unknown>, renderRotateText(plan));
      }),
  );

  server.registerTool(
    'list_checks',
    {
      title: 'List the security checks',
      description: 'The check catalog audit_server and lint_config run: IDs, titles, severities, maturity levels, modes and compliance references (PCI DSS, HIPAA, SOX, GDPR).',
      inputSchema: ListChecksInputSchema,
      outputSchema: ListChecksOutputSchema,
      annotations: { title: 'List checks', ...OFFLINE },
    },
    (input) =>
      guarded(ctx.log, 'list_checks', () => {
        const r = listChecks(input);
        return toolResult(r, renderChecksText(r));
      }),
  );

  const watchStateFile = ctx.watchStateFile;
  if (watchStateFile !== undefined) {
    server.registerTool(
      'watch_events',
      {
        title: 'Recent events of the redsec watcher',
        description:
          'What the running `redsec watch` saw, newest last: failed authentications, brute force, permission denials, connection spikes, ' +
          'dangerous commands, configuration drift, ACL changes, new or resolved findings, certificate expiry, anomalies against each ' +
          "target's learned normal, targets down/up. Each event has time, target, kind, severity, a summary, evidence and, for rates, " +
          'observed/expected/threshold. Read from the watcher\'s state file: no server is contacted. Filter by since (default the last hour), ' +
          'target, kinds and min_severity.',
        inputSchema: WatchEventsInputSchema,
        outputSchema: WatchEventsOutputSchema,
        // Reads a local file another process rewrites: read-only, but the answer changes as events arrive.
        annotations: { title: 'Watch events', readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: false },
      },
      (input) =>
        guarded(ctx.log, 'watch_events', () => {
          const r = watchEvents(watchStateFile, input);
          return toolResult(r as unknown as Record<string, unknown>, renderWatchEventsText(r));
        }),
    );
  }

  return server;
}
