import { describe, expect, it } from 'vitest';
import { WATCHED_COMMANDS } from '../facts/probes.js';
import { commandNames } from './load.js';
import { VERSION_IDS } from './types.js';

// The tables come from real servers' COMMAND replies (shared/redis-facts): what each one has.
describe('commandNames: which commands a version has', () => {
  it('FUNCTION and FCALL exist from 7.0 on, in Redis and Valkey alike; 6.2 answers QUIT outside its table', () => {
    for (const id of VERSION_IDS) {
      const names = commandNames(id);
      const modern = id !== '6.2';
      expect({ id, function: names.has('function'), fcall: names.has('fcall'), quit: names.has('quit') }).toEqual({ id, function: modern, fcall: modern, quit: modern });
    }
  });
  it('every other watched command is in every table (so only a rename can hide it live)', () => {
    for (const id of VERSION_IDS) {
      const missing = WATCHED_COMMANDS.filter((c) => !commandNames(id).has(c));
      expect({ id, missing }).toEqual({ id, missing: id === '6.2' ? ['function', 'fcall'] : [] });
    }
  });
});
