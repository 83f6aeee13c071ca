#!/usr/bin/env node
// Writes the JSON Schemas in schema/ from the library's zod schemas (via the built dist, so run
// `npm run build` first). `--check` exits 1 instead of writing when a committed file is stale.
// To add a schema, add one entry to SCHEMAS.
import { readFileSync, writeFileSync } from 'node:fs';

const lib = await import('../dist/index.js');

/** [file in schema/, function returning the JSON Schema object] */
const SCHEMAS = [
  ['profile.schema.json', () => lib.profileJsonSchema()],
  ['report.schema.json', () => lib.reportJsonSchema()],
];

const check = process.argv.includes('--check');
let stale = 0;
for (const [file, build] of SCHEMAS) {
  const url = new URL(`../schema/${file}`, import.meta.url);
  const text = `${JSON.stringify(build(), null, 2)}\n`;
  let current = '';
  try {
    current = readFileSync(url, 'utf8');
  } catch {
    // missing: written below, or stale under --check
  }
  if (current === text) continue;
  if (check) {
    console.error(`schema/${file} is stale: run npm run build && node scripts/gen-schemas.mjs`);
    stale++;
  } else {
    writeFileSync(url, text);
    console.log(`wrote schema/${file}`);
  }
}
process.exit(stale ? 1 : 0);
