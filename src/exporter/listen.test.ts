import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { DEFAULT_EXPORTER_PORT, parseListen } from './listen.js';

describe('--listen', () => {
  it('takes loopback addresses as they are', () => {
    expect(parseListen('127.0.0.1:9999', false)).toEqual({ host: '127.0.0.1', port: 9999, loopback: true });
    expect(parseListen('[::1]:0', false)).toEqual({ host: '::1', port: 0, loopback: true });
    expect(parseListen('localhost:1', false).loopback).toBe(true);
    expect(parseListen('8080', false)).toEqual({ host: '127.0.0.1', port: 8080, loopback: true });
  });

  it('refuses anything else without --listen-any', () => {
    for (const spec of ['0.0.0.0:10121', '[::]:10121', '10.0.0.5:1', 'metrics.example:1']) {
      expect(() => parseListen(spec, false)).toThrow(/--listen-any/);
      expect(parseListen(spec, true).loopback).toBe(false);
    }
  });

  it('rejects malformed addresses with a usage error', () => {
    for (const spec of ['', ':', 'host', '1.2.3.4:99999', 'a:b', '::1:80', 'bad host:1', '127.0.0.1:-1']) expect(() => parseListen(spec, true)).toThrow(UsageError);
  });

  it('defaults outside redis_exporter\'s 9121 and the 9100-9999 allocation range', () => {
    expect(DEFAULT_EXPORTER_PORT).not.toBe(9121);
    expect(DEFAULT_EXPORTER_PORT < 9100 || DEFAULT_EXPORTER_PORT > 9999).toBe(true);
  });
});
