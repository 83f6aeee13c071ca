/**
 * @peculiar/x509 loaded on first use. Loading it (with reflect-metadata, which it needs first)
 * costs a few hundred milliseconds, which every CLI command that never meets a certificate would
 * otherwise pay at start-up. The package resolves to its CommonJS build for `import` too, so
 * require() returns the very module instance provider.ts imports.
 */
import { webcrypto } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as X509 from '@peculiar/x509';

export type X509Module = typeof X509;

const require = createRequire(import.meta.url);
let loaded: X509Module | undefined;

export function loadX509(): X509Module {
  if (!loaded) {
    require('reflect-metadata');
    const lib = require('@peculiar/x509') as X509Module;
    lib.cryptoProvider.set(webcrypto);
    loaded = lib;
  }
  return loaded;
}
