/** One entry point for every format; the CLI picks the format and whether colour is wanted. */
import { renderHtml } from './render-html.js';
import { renderJson } from './render-json.js';
import { renderMarkdown } from './render-markdown.js';
import { renderSarif } from './render-sarif.js';
import { renderText, type TextOptions } from './render-text.js';
import type { Report } from './types.js';

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'markdown', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function renderReport(reports: Report | Report[], format: ReportFormat, opts: Partial<TextOptions> = {}): string {
  switch (format) {
    case 'text':
      return renderText(reports, { color: opts.color ?? false, verbose: opts.verbose ?? false });
    case 'json':
      return renderJson(reports);
    case 'sarif':
      return renderSarif(reports);
    case 'markdown':
      return renderMarkdown(reports);
    case 'html':
      return renderHtml(reports);
  }
}
