export { diagnose, type DiagnoseOptions } from './run.js';
export { refuseStateChangingCommand, STATE_CHANGING_COMMANDS } from './command-refusal.js';
export { renderDiagnosisText, renderDiagnosisJson } from './render.js';
export {
  DiagnosisSchema,
  DiagnosisCodeSchema,
  DIAGNOSIS_CODES,
  DiagnoseInputSchema,
  type DiagnoseInput,
  type Diagnosis,
  type DiagnosisResultCode,
  type Problem as DiagnosisProblem,
} from './schema.js';
export { proposeAclFix, type AclFixProposal, type AclChecker } from './acl-fix.js';
