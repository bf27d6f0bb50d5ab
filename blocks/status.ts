// /ops status as people read it: one line per service, then maintenance and canary weights.
import type { KnownBlock } from '@slack/types';
import { formatDuration } from '../src/clock.js';
import type { EnvironmentStatus } from '../src/ops/status.js';
import { context, fields, header, section } from './kit.js';

function serviceLine(s: EnvironmentStatus['services'][number]): string {
  const ok = s.running >= s.desired && s.rolloutState !== 'IN_PROGRESS' && s.rolloutState !== 'FAILED';
  const icon = s.rolloutState === 'FAILED' ? '❌' : s.desired === 0 && s.running === 0 ? '⚫' : ok ? '🟢' : '⏳';
  const pending = s.pending > 0 ? ` (${s.pending} pending)` : '';
  const rollout = s.rolloutState && s.rolloutState !== 'COMPLETED' ? ` · ${s.rolloutState.toLowerCase().replace('_', ' ')}` : '';
  const age = s.deploymentAgeMs !== undefined ? ` · deployed ${formatDuration(s.deploymentAgeMs)} ago` : '';
  return `${icon} \`${s.name}\` ${s.running}/${s.desired}${pending}${rollout}${age}`;
}

export function environmentStatus(envName: string, st: EnvironmentStatus, readAt: string): KnownBlock[] {
  const blocks: KnownBlock[] = [header(`📋 ${envName} — live status`)];
  if (st.services.length > 0) {
    const lines = st.services.map(serviceLine);
    // Sections carry at most 3,000 characters: chunk long service lists, keep the block count well under 50.
    let chunk: string[] = [];
    for (const line of lines) {
      if ([...chunk, line].join('\n').length > 2900) {
        blocks.push(section(chunk.join('\n')));
        chunk = [];
      }
      chunk.push(line);
    }
    if (chunk.length) blocks.push(section(`*Services* (running/desired)\n${chunk.join('\n')}`.slice(0, 3000)));
  }
  if (st.maintenance.length > 0) blocks.push(fields(st.maintenance.map((m) => `${m.on ? '🚧' : '🟢'} *${m.name}*: ${m.on ? 'maintenance ON' : 'serving normally'}`)));
  if (st.canaries.length > 0) blocks.push(fields(st.canaries.map((c) => `🐤 *${c.name}*: blue ${c.blue}% · green ${c.green}%`)));
  if (st.errors.length > 0) blocks.push(section(`⚠️ Could not read:\n${st.errors.map((e) => `• ${e}`).join('\n')}`));
  blocks.push(context([`Read from AWS at ${readAt}`]));
  return blocks;
}
