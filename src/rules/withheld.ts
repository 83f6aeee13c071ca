import type { FileFacts, ServerFacts } from '../facts/types.js';

/**
 * Why a file-mode rule cannot decide: the files of these kinds that the config names but redsec
 * was not allowed to look at (MCP's --allow-read fence), or undefined when there are none.
 */
export function withheld(facts: ServerFacts, kinds: ReadonlySet<FileFacts['kind']>): string | undefined {
  const unseen = (facts.filesWithheld ?? []).filter((f) => kinds.has(f.kind));
  if (unseen.length === 0) return undefined;
  return `${unseen.map((f) => `${f.path} (${f.kind})`).join(', ')}: outside the directories redsec may read (--allow-read), mode not checked`;
}
