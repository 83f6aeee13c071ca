/** The JSON contract (product.md): one report object, or an array of them for a fleet. */
import { safeJson } from './safe-json.js';
import type { Report } from './types.js';

export function renderJson(reports: Report | Report[]): string {
  return safeJson(reports);
}
