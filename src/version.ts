import { readFileSync } from 'node:fs';

// package.json sits one level above both src/ and dist/.
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; homepage?: string };

export const VERSION: string = pkg.version;
export const TOOL_NAME = 'redsec';
/** Where the documentation lives (SARIF informationUri and helpUri); package.json's homepage without the fragment. */
export const HOMEPAGE: string = (pkg.homepage ?? 'https://github.com/redsec/redsec').replace(/#.*$/, '');
