export { quoteArg, emitDirective } from './quote.js';
export { tokenizeLine, splitArgs, UNBALANCED_QUOTES } from './tokenize.js';
export { parseConfig } from './parse.js';
export { loadConfigFile, listDir, readConfigPath, realPath, type LoadOptions } from './load.js';
export { CONFIG_LIMITS } from './limits.js';
export { effectiveConfig, type EffectiveConfig, type EffectiveOptions, type ConfigUser, type DirectiveIssue } from './effective.js';
export { directiveSupport, directiveProblem, canonicalConfigName, BAD_DIRECTIVE, WRONG_ARG_COUNT, type DirectiveSupport } from './support.js';
export { parseMemory } from './values.js';
export type { Directive, ParsedConfig, ParseOptions, DirEntry } from './types.js';
