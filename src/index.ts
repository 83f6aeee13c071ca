// The library's public surface. Each capability re-exports from its folder's index.ts.
export * from './errors.js';
export * from './versions/index.js';
