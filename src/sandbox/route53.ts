// STUB — replaced by the simulator of this service.
import type { Environment } from '../config/schema.js';
import type { RestRouter } from './protocol.js';
import type { World } from './world.js';

export class Route53Sim {
  constructor(readonly world: World) {}
  router(): RestRouter {
    return () => undefined;
  }
  seed(_envName: string, _env: Environment): void {}
  settle(_now: number): void {}
  snapshot(): unknown {
    return {};
  }
}
