/** RESP2 command encoding: every argument is a length-prefixed bulk string, so no argument can ever
 * be read by the server as a second command (unlike inline commands). */
function commandText(args: readonly string[]): string {
  let text = `*${args.length}\r\n`;
  for (const a of args) text += `$${Buffer.byteLength(a, 'utf8')}\r\n${a}\r\n`;
  return text;
}

export function encodeCommand(args: readonly string[]): Buffer {
  return Buffer.from(commandText(args), 'utf8');
}

/** A whole pipeline as one buffer (one string, one copy: a DRYRUN round is hundreds of commands). */
export function encodeCommands(commands: readonly (readonly string[])[]): Buffer {
  let text = '';
  for (const args of commands) text += commandText(args);
  return Buffer.from(text, 'utf8');
}
