/**
 * JSON whose bytes hold no control character: JSON.stringify already escapes C0, and this escapes
 * DEL, C1 and the Unicode line separators and bidi overrides as \uXXXX too. Lossless: parsing
 * gives back the same strings, but `cat report.json` can no longer drive a terminal.
 */
// eslint-disable-next-line no-control-regex
const RAW = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Serialised JSON with DEL, C1, line separators and bidi overrides as \uXXXX escapes. JSON.stringify
 * emits these characters only inside strings, where the escape means the same character.
 */
export function escapeRawInJson(json: string): string {
  return json.replace(RAW, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function safeJson(value: unknown): string {
  return `${escapeRawInJson(JSON.stringify(value, null, 2))}\n`;
}
