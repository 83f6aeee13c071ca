/** One entry point for every format; the CLI picks the format and whether colour is wanted. */
import { renderGitlab } from './render-gitlab.js';
import { renderHtml } from './render-html.js';
import { renderJson } from './render-json.js';
import { renderJunit } from './render-junit.js';
import { renderMarkdown } from './render-markdown.js';
import { renderSarif } from './render-sarif.js';
import { renderText, type TextOptions } from './render-text.js';
import type { Report } from './types.js';

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'markdown', 'html', 'junit', 'gitlab'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RenderOptions extends Partial<TextOptions> {
  /** SARIF: the directory relative URIs resolve against (the CLI passes its working directory). */
  cwd?: string | undefined;
}

export function renderReport(reports: Report | Report[], format: ReportFormat, opts: RenderOptions = {}): string {
  switch (format) {
    case 'text':
      return renderText(reports, { color: opts.color ?? false, verbose: opts.verbose ?? false });
    case 'json':
      return renderJson(reports);
    case 'sarif':
      return renderSarif(reports, { cwd: opts.cwd });
    case 'markdown':
      return renderMarkdown(reports);
    case 'html':
      return renderHtml(reports);
    case 'junit':
      return renderJunit(reports);
    case 'gitlab':
      return renderGitlab(reports);
  }
}
