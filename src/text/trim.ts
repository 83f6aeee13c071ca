/**
 * Trims a set of characters from both ends by index. The RegExp `/^[set]+|[set]+$/g` rescans
 * every internal run of those characters to the end of the string, which is quadratic on a hostile
 * line (a megabyte of blanks followed by one letter).
 */
export function trimSet(s: string, set: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && set.includes(s[start]!)) start++;
  while (end > start && set.includes(s[end - 1]!)) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}
