/**
 * The HTML report in a real browser: Debian's chromium, headless, over the DevTools protocol. A
 * fleet audit of real servers (one wide open with a hostile user name, one that needs a password
 * redsec is not given, one closed port) and a single-target report are opened as files; the page
 * must render with no console error, request nothing but itself, show the overview and labelled
 * badges whose colours keep WCAG AA contrast, and keep hostile strings as text. Screenshots stay in
 * the test's temp dir for people to look at (its path is printed).
 *
 * Without chromium this test fails: CI installs it (.ci/run); locally `apt-get install -y chromium`
 * or point REDSEC_CHROMIUM at a Chromium or Chrome binary.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium, type Browser } from '../helpers/chromium.js';
import { freePort } from '../helpers/ports.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { cli } from '../helpers/run-cli.js';

// An ACL user name may hold any non-space byte: markup that would fetch a URL, and a terminal title escape.
const HOSTILE = '<img/src=http://127.0.0.1:9/x.png>\u001b]0;pwned\u0007';

interface PageFacts {
  title: string;
  scanned: string[];
  explain: string;
  overviewRows: { target: string; href: string; cells: string[] }[];
  badges: { label: string; cls: string; fg: string; bg: string }[];
  findings: number;
  findingsWithEvidence: number;
  embedded: number;
  resources: number;
  text: string;
  hasControl: boolean;
}

/** Everything the assertions need, read from the rendered page in one evaluation. */
const READ_PAGE = `(() => {
  const q = (s, r = document) => [...r.querySelectorAll(s)];
  const text = document.body.innerText;
  return {
    title: document.title,
    scanned: q('header time').map((t) => t.getAttribute('datetime')),
    explain: q('.explain').map((e) => e.textContent).join(' '),
    overviewRows: q('#overview ~ table tr').slice(1).map((tr) => ({
      target: tr.querySelector('a')?.textContent ?? '',
      href: tr.querySelector('a')?.getAttribute('href') ?? '',
      cells: q('td', tr).map((td) => td.textContent),
    })),
    badges: q('.badge').map((b) => ({ label: b.textContent, cls: b.className, fg: getComputedStyle(b).color, bg: getComputedStyle(b).backgroundColor })),
    findings: q('article.finding').length,
    findingsWithEvidence: q('article.finding').filter((a) => q('dt', a).some((dt) => dt.textContent === 'Evidence')).length,
    embedded: q('img,script,link,iframe,object,embed,video,audio,source,input,form').length,
    resources: performance.getEntriesByType('resource').length,
    text,
    hasControl: /[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]/.test(document.documentElement.outerHTML),
  };
})()`;

function rgb(css: string): [number, number, number] {
  const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(css);
  if (!m) throw new Error(`not an rgb colour: ${css}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** WCAG 2 relative luminance and contrast ratio. */
function luminance(css: string): number {
  const [r, g, b] = rgb(css).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
function hue(css: string): number {
  const [r, g, b] = rgb(css).map((v) => v / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d === 0) return 0;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

describe('the HTML report in chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redsec-html-'));
  const chromium = findChromium();
  let browser: Browser;
  let open: RedisServer;
  let locked: RedisServer;
  let closedPort: number;

  beforeAll(async () => {
    if (!chromium) throw new Error('chromium not found: apt-get install -y chromium (.ci/run installs it), or set REDSEC_CHROMIUM');
    [open, locked, closedPort] = await Promise.all([
      startRedis({ config: `protected-mode no\nuser ${HOSTILE} on nopass ~* +@all\n` }),
      startRedis({ config: 'requirepass html-test-secret-5c1e\n' }),
      freePort(),
    ]);
    browser = await launchChromium(chromium);
    console.info(`HTML reports and screenshots: ${dir}`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([open?.stop(), locked?.stop()]);
    // dir is kept on purpose: the screenshots are for people to look at.
  });

  async function show(name: string, args: string[]) {
    const r = await cli(['audit', ...args, '--format', 'html']);
    const file = join(dir, `${name}.html`);
    writeFileSync(file, r.stdout);
    const page = await browser.openPage(pathToFileURL(file).href);
    const facts = await page.evaluate<PageFacts>(READ_PAGE);
    const png = await page.screenshot();
    writeFileSync(join(dir, `${name}.png`), png);
    return { r, file, facts, record: page.record, png };
  }

  it('a fleet: overview first, labelled accessible badges, no console error, no request but the file itself', async () => {
    const targets = [`redis://127.0.0.1:${open.port}`, `redis://127.0.0.1:${locked.port}`, `redis://127.0.0.1:${closedPort}`];
    const { r, file, facts, record, png } = await show('fleet', targets);
    expect(r.code).toBe(3);

    expect(record.problems).toEqual([]);
    expect(record.requests).toEqual([pathToFileURL(file).href]);
    expect(facts.resources).toBe(0);
    expect(facts.embedded).toBe(0);

    // The overview table comes before every target's section and links to each.
    expect(facts.overviewRows.map((row) => row.target)).toEqual(targets);
    expect(facts.overviewRows.map((row) => row.href)).toEqual(['#target-1', '#target-2', '#target-3']);
    const [wide, needsPassword, dead] = facts.overviewRows;
    expect(wide?.cells[1]).toMatch(/^[0-4]\/4$/);
    expect(Number(wide?.cells[2])).toBeGreaterThan(0); // critical failures
    expect(needsPassword?.cells.at(-1)).toMatch(/^not audited: /);
    expect(dead?.cells.at(-1)).toMatch(/^not audited: CONNREFUSED/);
    const html = readFileSync(file, 'utf8');
    expect(html.indexOf('id="overview"')).toBeLessThan(html.indexOf('id="target-1"'));

    // Severity is a word on every badge, never colour alone; each keeps 4.5:1 contrast.
    const labels = new Set(facts.badges.map((b) => b.label));
    for (const l of ['critical', 'high', 'medium', 'low', 'info', 'unknown', 'waived', 'pass']) expect(labels).toContain(l);
    for (const b of facts.badges) expect(contrast(b.fg, b.bg), `${b.label}: ${b.fg} on ${b.bg}`).toBeGreaterThanOrEqual(4.5);
    // Critical and high are told apart by lightness and hue, not only by the word.
    const bg = (label: string) => facts.badges.find((b) => b.label === label)!.bg;
    expect(contrast(bg('critical'), bg('high'))).toBeGreaterThanOrEqual(1.5);
    expect(Math.abs(hue(bg('critical')) - hue(bg('high')))).toBeGreaterThanOrEqual(10);

    // The date: when the fleet's scan started and ended, in the header.
    expect(facts.scanned).toHaveLength(2);
    for (const t of facts.scanned) expect(Math.abs(Date.now() - Date.parse(t))).toBeLessThan(10 * 60_000);
    expect(facts.text).toMatch(/scanned \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC to \d{4}-/);

    // Every finding labels its evidence; "level" is explained in one line.
    expect(facts.findings).toBeGreaterThan(5);
    expect(facts.findingsWithEvidence).toBe(facts.findings);
    expect(facts.explain).toMatch(/^Level \(0-4\) is the highest/);

    // The hostile user name is text on the page, its ESC and BEL shown as escapes, never raw.
    expect(facts.text).toContain('<img/src=http://127.0.0.1:9/x.png>\\x1b]0;pwned\\x07');
    expect(facts.hasControl).toBe(false);

    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
  }, 120_000);

  it('one target: no overview, the level and the counts as badges', async () => {
    const { facts, record } = await show('single', [`redis://127.0.0.1:${open.port}`]);
    expect(record.problems).toEqual([]);
    expect(record.requests).toHaveLength(1);
    expect(facts.overviewRows).toEqual([]);
    expect(facts.title).toBe(`redsec report: redis://127.0.0.1:${open.port}`);
    expect(facts.text).toMatch(/Level reached: [0-4]\/4/);
    expect(facts.badges.filter((b) => b.label === 'critical').length).toBeGreaterThan(1);
  }, 120_000);
});
