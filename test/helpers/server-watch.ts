/** Reading what a real server saw: INFO commandstats counts and MONITOR lines. */

/** INFO commandstats → "config|get" → calls (+ rejected and failed calls, 7.0+). */
export function commandCounts(info: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)[^\r\n]*?(?:rejected_calls=(\d+),failed_calls=(\d+))?\r?$/gm)) {
    out.set(m[1] ?? '', Number(m[2]) + Number(m[3] ?? 0) + Number(m[4] ?? 0));
  }
  return out;
}

/** `+1700000000.123456 [0 127.0.0.1:5555] "INFO" "everything"` → ['INFO', 'everything']. */
export function monitorArgs(line: string): string[] {
  const args: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"/g;
  const body = line.slice(line.indexOf(']') + 1);
  for (let m = re.exec(body); m; m = re.exec(body)) args.push((m[1] ?? '').replace(/\\(.)/g, '$1'));
  return args;
}
