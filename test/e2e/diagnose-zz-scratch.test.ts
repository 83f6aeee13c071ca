import { it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diagnose, renderDiagnosisText } from '../../src/diagnose/index.js';
import { startRedis } from '../helpers/redis-server.js';
import { rawConnect } from '../helpers/raw-client.js';
it('scratch', async () => {
  const s = await startRedis({ config: 'aclfile users.acl', files: { 'users.acl': 'user default off\nuser admin on >adm ~* &* +@all\nuser app on >apw ~app:* &app:* -@all +get +set +ping +publish +info\n' } });
  const dir = mkdtempSync(join(tmpdir(), 'x-'));
  writeFileSync(join(dir, 'a'), 'adm'); writeFileSync(join(dir, 'p'), 'apw');
  const c = await rawConnect(s.port); await c.call('AUTH', 'app', 'apw'); await c.call('SET', 'orders:1', 'x'); c.close();
  const d = await diagnose({ url: `redis://app@127.0.0.1:${s.port}`, passwordFile: join(dir, 'p'), adminUser: 'admin', adminPasswordFile: join(dir, 'a'), command: 'SET user:7 x', env: {} });
  console.log(renderDiagnosisText(d));
  const d2 = await diagnose({ url: `redis://app@127.0.0.1:${s.port}`, passwordFile: join(dir, 'a'), adminUser: 'admin', adminPasswordFile: join(dir, 'a'), env: {} });
  console.log(renderDiagnosisText(d2));
  await s.stop();
});
