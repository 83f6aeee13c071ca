export type { BranchFix, BranchInfo, BranchStatus, CveData, CveEntry, DistributionWindow, DistroBackport, ProductFixes } from './types.js';
export { bundledCveData, loadCveData, parseCveData, dataAgeDays, STALE_AFTER_DAYS } from './load.js';
