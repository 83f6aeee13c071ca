import { describe, expect, it } from 'vitest';
import { protectedProblem, protectedRule } from './protected.js';
import { renderDiagnosisJson, renderDiagnosisText } from './render.js';
import { DiagnosisSchema, type Diagnosis } from './schema.js';
import { quote } from './context.js';

const ctx = { display: 'redis://10.0.0.5:6379', host: '10.0.0.5', port: 6379, tls: false, version: null };

function diagnosis(over: Partial<Diagnosis>): Diagnosis {
  return {
    schema_version: 1,
    tool: { name: 'redsec', version: '0.1.0' },
    target: 'redis://10.0.0.5:6379',
    ok: false,
    code: 'E605',
    problem: null,
    notes: [],
    steps: [{ step: 'connect', status: 'ok', detail: 'TCP connection to 10.0.0.5:6379' }],
    credentials: { user: 'default', source: 'none', tried: [] },
    server: { version: null, mode: null, role: null },
    tls: null,
    command: null,
    aclLog: null,
    ...over,
  };
}

describe('protected-mode rule and rendering', () => {
  it('picks the rule from the text first, then from the version', () => {
    expect(protectedRule('unknown', '6.2.16')).toBe('bind-or-password');
    expect(protectedRule('unknown', '7.2.6')).toBe('default-user-password');
    expect(protectedRule('unknown', null)).toBe('unknown');
    expect(protectedRule('bind-or-password', '7.0.15')).toBe('bind-or-password');
  });

  it('renders the code line, cause, evidence and numbered fixes; JSON round-trips through the schema', () => {
    const p = protectedProblem({ ...ctx, version: '6.2.16' }, 'DENIED Redis is running in protected mode', 'unknown');
    const d = diagnosis({ problem: p });
    const text = renderDiagnosisText(d);
    expect(text.split('\n')[0]).toBe('E605 PROTECTED: The server is in protected mode and refuses connections from non-loopback addresses.');
    expect(text).toContain('Cause: ');
    expect(text).toMatch(/\n {2}1\. Preferred: /);
    expect(text).toContain('Redis 6.2 and older only: bind explicitly');
    expect(DiagnosisSchema.parse(JSON.parse(renderDiagnosisJson(d)))).toEqual(d);
  });

  it('quotes shell words only when needed', () => {
    expect(quote('+config|get')).toBe("'+config|get'");
    expect(quote('~app:1')).toBe("'~app:1'");
    expect(quote('+del')).toBe('+del');
    expect(quote('%W~user:*')).toBe("'%W~user:*'");
    expect(quote("it's")).toBe("'it'\\''s'");
  });
});
