import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { parseCompose } from './compose.js';

const service = (body: string, name = 'cache') => `services:\n  web:\n    image: nginx:1.27\n    ports: ["80:80"]\n  ${name}:\n${body.replace(/^/gm, '    ')}\n`;

describe('parseCompose', () => {
  it('finds the redis service; a bare or unbound mapping of its port is on all interfaces', () => {
    for (const ports of ['["6379:6379"]', '["6379"]', '["0.0.0.0:6379:6379/tcp"]', '["[::]:16379:6379"]', '["7000-7005:6379-6384"]', '[6379]']) {
      const c = parseCompose(service(`image: redis:7.2\nports: ${ports}`), 'compose.yml');
      expect(c, ports).toMatchObject({ source: 'compose.yml: services.cache', image: 'redis:7.2', publishedOnAllInterfaces: true });
    }
    const long = parseCompose(service('image: valkey/valkey:8.0\nports:\n  - target: 6379\n    published: "6379"'), 'c.yml');
    expect(long).toMatchObject({ publishedOnAllInterfaces: true, ports: ['6379:6379'] });
  });

  it('an address on the host side, another container port, or host networking is not all interfaces', () => {
    for (const [body, ports] of [
      ['image: redis:7.2\nports: ["127.0.0.1:6379:6379"]', ['127.0.0.1:6379:6379']],
      ['image: redis:7.2\nports: ["[::1]:6379:6379", "10.0.0.5::6379"]', ['[::1]:6379:6379', '10.0.0.5::6379']],
      ['image: redis:7.2\nports:\n  - target: 6379\n    host_ip: 127.0.0.1\n    published: 6379', ['127.0.0.1:6379:6379']],
      ['image: redis:7.2\nports: ["8080:80"]', []],
      ['image: redis:7.2\nnetwork_mode: host\nports: ["6379:6379"]', ['6379:6379']],
    ] as const) {
      expect(parseCompose(service(body), 'c.yml'), body).toMatchObject({ publishedOnAllInterfaces: false, ports });
    }
  });

  it('follows the port the server really listens on', () => {
    expect(parseCompose(service('image: redis:7.2\ncommand: redis-server --port 7000\nports: ["7000:7000"]'), 'c.yml').publishedOnAllInterfaces).toBe(true);
    expect(parseCompose(service('image: redis:7.2\nports: ["7000:7000"]'), 'c.yml', { configPort: 7000 }).publishedOnAllInterfaces).toBe(true);
    expect(parseCompose(service('image: redis:7.2\nports: ["6379:6379"]'), 'c.yml', { configPort: 7000 }).publishedOnAllInterfaces).toBe(false);
  });

  it("decides protected mode as the official images' entrypoints do", () => {
    const pm = (body: string, configProtectedMode?: string) =>
      parseCompose(service(`${body}\nports: ["6379:6379"]`), 'c.yml', configProtectedMode !== undefined ? { configProtectedMode } : {}).protectedMode;
    expect(pm('image: redis:7.2')).toBe('off');
    expect(pm('image: docker.io/library/redis:7.2-alpine')).toBe('off');
    expect(pm('image: redis:7.2\ncommand: redis-server --requirepass x')).toBe('off');
    expect(pm('image: redis:7.2\ncommand: ["redis-server", "--protected-mode", "no", "--protected-mode", "yes"]')).toBe('on');
    expect(pm('image: redis:7.2\ncommand: redis-server /usr/local/etc/redis/redis.conf', 'yes')).toBe('on');
    // Without a config file on the command line, the lint config is not the container's.
    expect(pm('image: redis:7.2', 'yes')).toBe('off');
    expect(pm('image: bitnami/redis:7.2')).toBe('unknown');
    expect(pm('image: redis:7.2\nentrypoint: ["/start.sh"]')).toBe('unknown');
  });

  it('bad input: YAML errors with file:line, no or ambiguous redis service, a missing named one', () => {
    expect(() => parseCompose('services:\n  cache:\n    image: [redis\n', 'c.yml')).toThrow(InputError);
    expect(() => parseCompose('services:\n  cache:\n    image: redis\n   ports: x\n', 'c.yml')).toThrow(/^c\.yml:4: /);
    expect(() => parseCompose('version: "3"\n', 'c.yml')).toThrow(/no services/);
    expect(() => parseCompose(service('image: postgres:16'), 'c.yml')).toThrow(/no service runs a redis or valkey image/);
    const two = `services:\n  a:\n    image: redis\n  b:\n    image: valkey/valkey\n`;
    expect(() => parseCompose(two, 'c.yml')).toThrow(/several services run redis or valkey \(a, b\); name one with --compose-service/);
    expect(parseCompose(two, 'c.yml', { service: 'b' }).image).toBe('valkey/valkey');
    expect(() => parseCompose(two, 'c.yml', { service: 'x' })).toThrow(/no service named x/);
  });
});
