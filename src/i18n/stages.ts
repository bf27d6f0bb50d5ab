// What a deploy's status message says of ECS's own progress: the five phases an ECS-native blue/green deployment's
// lifecycle stages are grouped into, and the state of the alarms ECS watches. ECS's stage names (`SCALE_UP`) and
// statuses stay as ECS writes them elsewhere; these are the bot's words for them.
import type { Shape } from './catalog.js';

export const en = {
  phase: {
    scaleUp: 'Scale up',
    testTraffic: 'Test traffic',
    productionTraffic: 'Production traffic',
    bake: 'Bake',
    cleanUp: 'Clean up',
  },
  /** ECS's alarm monitoring status (`MONITORING_COMPLETE`, `DISABLED`, …), in words: lower case as before. */
  alarmStatus: (p: { state: string }) => p.state.toLowerCase().replace(/_/g, ' '),
};

export const ja: Shape<typeof en> = {
  phase: {
    scaleUp: 'スケールアップ',
    testTraffic: 'テストトラフィック',
    productionTraffic: '本番トラフィック',
    bake: 'ベイク',
    cleanUp: '後片付け',
  },
  alarmStatus: (p) =>
    ({ MONITORING_COMPLETE: 'の監視完了', DISABLED: '監視は無効', TRIGGERED: 'が発報', MONITORING: '監視中' } as Record<string, string>)[p.state] ?? `状態 ${p.state}`,
};
