// STUB — replaced by the simulator of this service.
import type { Environment } from '../config/schema.js';
import type { QueryHandlers } from './protocol.js';
import type { World } from './world.js';

export class Elbv2Sim {
  constructor(readonly world: World) {}
  handlers(): QueryHandlers {
    return {};
  }
  seed(_envName: string, _env: Environment): void {}
  settle(_now: number): void {}
  snapshot(): unknown {
    return {};
  }
}
