/**
 * Redis's sdssplitargs: whitespace-separated words with "double quotes" (\xHH \n \r \t \b \a
 * escapes) and 'single quotes' (only \' escaped). Returns undefined on unbalanced quotes or a
 * closing quote not followed by a space, as the server does. Used for the text inside `( )`.
 */
const SPACE = new Set([' ', '\n', '\r', '\t', '\v', '\f']);

function hexValue(c: string): number {
  return parseInt(c, 16);
}

export function splitArgs(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && SPACE.has(line[i]!)) i++;
    if (i >= n) return out;
    let inq = false;
    let insq = false;
    let cur = '';
    for (;;) {
      const c = line[i];
      if (inq) {
        if (c === undefined) return undefined;
        if (c === '\\' && line[i + 1] === 'x' && /[0-9a-fA-F]/.test(line[i + 2] ?? '') && /[0-9a-fA-F]/.test(line[i + 3] ?? '')) {
          cur += String.fromCharCode(hexValue(line[i + 2]!) * 16 + hexValue(line[i + 3]!));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i]!;
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          if (i + 1 < n && !SPACE.has(line[i + 1]!)) return undefined;
          inq = false;
          i++;
          break;
        } else {
          cur += c;
        }
      } else if (insq) {
        if (c === undefined) return undefined;
        if (c === '\\' && line[i + 1] === "'") {
          i++;
          cur += "'";
        } else if (c === "'") {
          if (i + 1 < n && !SPACE.has(line[i + 1]!)) return undefined;
          insq = false;
          i++;
          break;
        } else {
          cur += c;
        }
      } else {
        if (c === undefined || SPACE.has(c)) break;
        if (c === '"') inq = true;
        else if (c === "'") insq = true;
        else cur += c;
      }
      i++;
    }
    out.push(cur);
  }
}
