/**
 * Escaping for the formats that carry hostile strings (user names, config values, paths, server
 * replies). Control characters are made visible first (text/visible.ts, the one place that decides
 * which characters are unsafe), then each format's own syntax is escaped.
 */
import { visible } from '../text/visible.js';

export { visible };

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML syntax only (reversible); the HTML renderer makes controls visible first. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML[c] ?? c);
}

/** Inline Markdown: controls and newlines made visible; emphasis, links, HTML and table pipes neutralised. */
export function escapeMarkdown(s: string): string {
  return visible(s)
    .replace(/([\\`*_{}[\]()#+!|~>])/g, '\\$1')
    .replace(/</g, '&lt;');
}

/** Several lines (a remediation's config block): each line made visible, the newlines kept. */
export function visibleLines(s: string): string {
  return s.split('\n').map(visible).join('\n');
}

/** A fenced code block whose fence is longer than any backtick run inside; controls made visible. */
export function markdownFence(body: string, lang = ''): string {
  const safe = visibleLines(body);
  const longest = Math.max(2, ...[...safe.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${safe}\n${fence}`;
}
