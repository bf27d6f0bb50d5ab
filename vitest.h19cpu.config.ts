import base from './vitest.config.ts';
export default { ...base, test: { ...base.test, setupFiles: ['/tmp/h19/cpu-setup.ts'] } };
