import { aclSetuserCommand } from '../shell.js';
import type { Rule, RuleResult } from '../types.js';
import { fail, pass, unknownResult } from '../result.js';
import { configValue, where } from '../config.js';
import { userFlags } from '../users.js';
import { pci } from '../compliance.js';
import { ADMIN_HEURISTIC, appUsers } from './common.js';

export const aclAllchannels: Rule = {
  id: 'ACL-ALLCHANNELS',
  title: 'Pub/Sub channels open to every user',
  severity: 'low',
  rationale: `&* lets a user read every Pub/Sub message (including keyspace notifications). acl-pubsub-default allchannels, the 6.2 default, gives that to every user created without channel rules; 7.0 changed the default to resetchannels. ${ADMIN_HEURISTIC}`,
  remediation: {
    text: 'Default new users to no channels and grant channel patterns explicitly.',
    config: 'acl-pubsub-default resetchannels',
    command: 'redis-cli CONFIG SET acl-pubsub-default resetchannels',
  },
  compliance: [pci('2.2.6'), pci('7.2.2')],
  level: 2,
  modes: ['live', 'lint'],
  check(facts) {
    const results: RuleResult[] = [];
    const def = configValue(facts, 'acl-pubsub-default');
    if (!def.known) return unknownResult(`cannot read acl-pubsub-default: ${def.why}`);
    if (def.value?.value.toLowerCase() === 'allchannels')
      results.push(fail(`acl-pubsub-default allchannels (${where(facts, 'acl-pubsub-default', def.value)})`, { location: def.value.location }));
    const apps = appUsers(facts);
    if (!apps.known) return [...results, unknownResult(`cannot read users: ${apps.why}`)];
    for (const u of apps.value)
      if (userFlags(facts, u).allChannels)
        results.push(fail(`user ${u.name} can use all channels`, { location: u.location, subject: `user ${u.name}`, remediation: { text: `Restrict ${u.name}'s channels.`, command: aclSetuserCommand(u.name, 'resetchannels', `&${u.name}:*`) } }));
    return results.length > 0 ? results : pass(`acl-pubsub-default ${def.value?.value ?? '(n/a)'}; no application user has &*`);
  },
};
