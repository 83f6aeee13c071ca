export { createMcpServer } from './server.js';
export { serveStdio } from './stdio.js';
export type { McpContext } from './context.js';
export { buildTargets, lookupTarget, describeTarget, type AllowedTarget, type TargetSpec, type TargetTls, type SecretSource } from './targets.js';
export { makeRoot, resolveReadable, resolveWritableDir, type Root } from './roots.js';
export {
  GenerateInputSchema,
  GenerateOutputSchema,
  LintInputSchema,
  AclCheckInputSchema,
  AclExplainInputSchema,
  AclVerdictSchema,
  AclExplanationSchema,
  ListChecksInputSchema,
  ListChecksOutputSchema,
} from './schemas.js';
