// What people read about maintenance: per listener, whether the public sees the maintenance response.
import type { KnownBlock } from '@slack/types';
import type { MaintenanceView } from '../src/ops/maintenance.js';
import type { Run } from '../src/runs/run.js';
import { ActionId, endMaintenanceValue } from './actions.js';
import { messages } from '../src/i18n/index.js';
import { actions, context, fields, section, type RunViewContext } from './kit.js';

const ICON = { pending: '⚪', working: '⏳', on: '🚧', off: '🟢', failed: '❌', unchanged: '➖' } as const;

/** A listener the run never reached is "waiting" only while the run can still reach it; after the end it was not changed. */
const ENDED: readonly Run['state'][] = ['succeeded', 'failed', 'rolled_back', 'cancelled'];

export function maintenanceBody(view: MaintenanceView, run: Run, ctx?: Pick<RunViewContext, 'lang'>): KnownBlock[] {
  const m = messages(ctx?.lang ?? 'en');
  const WORDS = m.maintenance.listener;
  const NOT_CHANGED = { icon: ICON.unchanged, words: m.maintenance.notChanged };
  const listeners = Object.entries(view.listeners ?? {});
  const ended = ENDED.includes(run.state);
  const shown = (state: keyof typeof ICON) => (ended && state === 'pending' ? NOT_CHANGED : { icon: ICON[state], words: WORDS[state] });
  const out: KnownBlock[] = [];
  if (view.note) out.push(section(view.note));
  if (listeners.length > 0) {
    // Fields render as two columns: readable on a phone up to the 10-field limit; more go in extra sections.
    for (let i = 0; i < listeners.length; i += 10) {
      out.push(
        fields(
          listeners.slice(i, i + 10).map(([name, l]) => `${shown(l.state).icon} *${name}*: ${shown(l.state).words}${l.detail ? `\n${l.detail}` : ''}`),
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
