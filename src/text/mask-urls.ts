/**
 * Hides the password of every `scheme://user:password@host` inside a message, and only that: the
 * rest of the line (error codes, host:port) stays as written. Linear: each `://` is followed to
 * the end of its word once. A password with a raw '@' is hidden up to the word's last '@'.
 */
export function maskUrlPasswords(text: string): string {
  let out = '';
  let from = 0;
  for (let i = text.indexOf('://'); i !== -1; i = text.indexOf('://', from)) {
    const start = i + 3;
    let end = start;
    while (end < text.length && !/\s/.test(text[end]!)) end++;
    const word = text.slice(start, end);
    const at = word.lastIndexOf('@');
    const colon = word.indexOf(':');
    if (at > 0 && colon >= 0 && colon < at) out += `${text.slice(from, start)}${word.slice(0, colon)}:***${word.slice(at)}`;
    else out += text.slice(from, end);
    from = end;
  }
  return out + text.slice(from);
}
