/**
 * The argument parser of a repeatable option (`--replica A --replica B`). It is registered without
 * a default value, so help shows no "(default: [])"; the action reads an absent option as [].
 */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];
