import { describe, expect, it } from 'vitest';
import { applyArtifacts, artifactMapping, parseArtifactSpec } from './artifacts.js';
import { parseTargetEntries, parseTargetsFile } from './targets-file.js';
import type { Report } from '../report/types.js';

describe('targets file', () => {
  it('one URL per line, an optional sarif-artifact=PATH, comments and blank lines ignored', () => {
    const text = '# fleet\nredis://10.0.0.5:6379 sarif-artifact=deploy/a.conf\n\n10.0.0.6:6380   # b\n';
    expect(parseTargetEntries(text)).toEqual([{ url: 'redis://10.0.0.5:6379', artifact: 'deploy/a.conf' }, { url: '10.0.0.6:6380' }]);
    expect(parseTargetsFile(text)).toEqual(['redis://10.0.0.5:6379', '10.0.0.6:6380']);
    expect(() => parseTargetEntries('redis://a:1 extra', 'fleet.txt')).toThrow(/line 1: unexpected "extra"/);
  });

  it('artifacts match by host and port; paths must stay inside the repository', () => {
    const reports = [{ target: 'redis://user@10.0.0.5:6379' }, { target: 'redis://10.0.0.6:6380' }] as Report[];
    applyArtifacts(reports, [parseArtifactSpec('10.0.0.5=deploy/a.conf'), artifactMapping('rediss://10.0.0.6:6380', 'deploy\\b.conf', 'x')]);
    expect(reports.map((r) => r.artifact)).toEqual(['deploy/a.conf', 'deploy/b.conf']);
    for (const bad of ['10.0.0.5=/etc/redis.conf', '10.0.0.5=../x.conf', '10.0.0.5=', 'deploy/a.conf']) expect(() => parseArtifactSpec(bad), bad).toThrow(/--sarif-artifact/);
  });
});
