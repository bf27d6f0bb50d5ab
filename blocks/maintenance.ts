// What people read about maintenance: per listener, whether the public sees the maintenance response.
import type { KnownBlock } from '@slack/types';
import type { MaintenanceView } from '../src/ops/maintenance.js';
import type { Run } from '../src/runs/run.js';
import { ActionId, endMaintenanceValue } from './actions.js';
import { messages } from '../src/i18n/index.js';
import { actions, context, fields, section, type RunViewContext } from './kit.js';

const ICON = { pending: '⚪', working: '⏳', on: '🚧', off: '🟢', failed: '❌', unchanged: '➖' } as const;

export function maintenanceBody(view: MaintenanceView, run: Run, ctx?: Pick<RunViewContext, 'lang'>): KnownBlock[] {
  const m = messages(ctx?.lang ?? 'en');
  const WORDS = m.maintenance.listener;
  const listeners = Object.entries(view.listeners ?? {});
  const out: KnownBlock[] = [];
  if (view.note) out.push(section(view.note));
  if (listeners.length > 0) {
    // Fields render as two columns: readable on a phone up to the 10-field limit; more go in extra sections.
    for (let i = 0; i < listeners.length; i += 10) {
      out.push(
        fields(
          listeners.slice(i, i + 10).map(([name, l]) => `${ICON[l.state]} *${name}*: ${WORDS[l.state]}${l.detail ? `\n${l.detail}` : ''}`),
        ),
      );
    }
  }
  // After a start (done or half-done), the way back is one press away — until maintenance has been ended.
  if (view.endedBy) out.push(context([m.maintenance.endedByRun({ runId: view.endedBy })]));
  else if (view.action === 'start' && (run.state === 'succeeded' || run.state === 'failed') && listeners.some(([, l]) => l.state === 'on' || l.state === 'failed')) {
    out.push(actions(`maintenance:${run.id}`, [{ actionId: ActionId.endMaintenance, label: m.run.button.endMaintenance, value: endMaintenanceValue(run.env, run.id), style: 'primary' }]));
  }
  return out;
}
