// STUB — replaced by the simulator of this service.
import type { Environment } from '../config/schema.js';
import type { JsonHandlers } from './protocol.js';
import type { World } from './world.js';

export class EcsSim {
  failTasks(_cluster: string, _service: string, _fail: boolean): void {}
  constructor(readonly world: World) {}
  handlers(): JsonHandlers {
    return {};
  }
  seed(_envName: string, _env: Environment): void {}
  settle(_now: number): void {}
  snapshot(): unknown {
    return {};
  }
}
