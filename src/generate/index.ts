export { buildPlan, type PlanOptions } from './plan.js';
export { generateBundle, SECRET_MODE } from './bundle.js';
export type { BundleFile, GeneratedBundle, GenerateOptions } from './bundle.js';
export { claimBundleDir, writeBundle, type ClaimedDir } from './write.js';
export { generatePassword, passwordHash, generateSecrets } from './secrets.js';
export type { RandomBytes } from './secrets.js';
export { validatePlan } from './validate.js';
export { knownDirectives, hasCommand } from './version-support.js';
export { renderRedisConf } from './render/redis-conf.js';
export { renderUsersAcl, aclUserTokens, describeUserRules } from './render/users-acl.js';
export { renderSecretsEnv } from './render/secrets-env.js';
export { renderIptables, renderNftables, renderUfw, renderAwsSecurityGroup, renderK8sNetworkPolicy } from './render/firewall.js';
export { renderPrometheusRules, prometheusRuleGroups, prometheusAlertNames, LEVEL_NUMBER } from './render/prometheus-rules.js';
export type { AlertingRule, RecordingRule, RuleGroup } from './render/prometheus-rules.js';
export { renderAlertmanagerExample, type AlertmanagerExampleOptions } from './render/alertmanager.js';
export { renderChecklist } from './render/checklist-md.js';
export { renderOutput, renderPlanJson, renderText } from './render/output.js';
export type { CertificateInventoryEntry, BundleSummary } from './render/output.js';
export type {
  Plan,
  PlannedDirective,
  PlannedUser,
  PlannedCertificate,
  UserRole,
  TlsPlan,
  FirewallPlan,
  FirewallPort,
  ChecklistItem,
  ChecklistStatus,
  Warning,
} from './types.js';
