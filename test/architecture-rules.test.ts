// Issue 20: each rule of .dependency-cruiser.cjs (npm run lint:arch) catches the import it forbids and lets the
// allowed ones through. A small tree with one import per arrow is cruised with the repository's own config.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const run = promisify(execFile);

/** file → its imports (a `type:` prefix makes it `import type`). Every file exports something so it parses as a module. */
const TREE: Record<string, string[]> = {
  'src/ops/canary.ts': ['../aws/ecs.js', 'type:../store/store.js', 'type:./port.js', '../../blocks/kit.js', '../adapters/ecs.js'],
  'src/ops/port.ts': [],
  'src/aws/ecs.ts': ['type:../ops/port.js', '../clock.js', 'type:../adapters/ecs.js'],
  'src/clock.ts': [],
  'handlers/canary.ts': ['../src/aws/ecs.js', '../src/runs/engine.js', '../blocks/canary.js', '../src/store/outage.js', '../src/adapters/ecs.js'],
  'src/adapters/ecs.ts': ['../aws/ecs.js', 'type:../ops/port.js', 'type:../../blocks/kit.js'],
  'src/registry.ts': ['./adapters/ecs.js', './ops/canary.js', '../blocks/canary.js', '../handlers/canary.js'],
  'blocks/canary.ts': ['../src/runs/engine.js', 'type:../src/ops/port.js', './kit.js', '../handlers/canary.js', '../src/store/store.js', '../src/adapters/ecs.js'],
  'blocks/kit.ts': [],
  'src/runs/engine.ts': ['type:./run.js', 'type:../store/store.js', 'pg', '../store/schema.js'],
  'src/runs/run.ts': ['type:./engine.js'],
  'src/store/store.ts': ['kysely', 'better-sqlite3', './schema.js', './database.js'],
  'src/store/schema.ts': ['type:kysely'],
  'src/store/database.ts': [],
  'src/store/outage.ts': [],
  'src/store/testing.ts': ['./database.js'],
  'src/local.ts': ['../playground/server.js', './sandbox/start.js', './store/testing.js'],
  'playground/server.ts': ['../src/runs/engine.js', 'kysely'],
  'src/sandbox/start.ts': ['./world.js'],
  'src/sandbox/world.ts': ['./start.js'],
  'test/store.test.ts': ['../src/store/testing.js', '../src/store/store.js', 'kysely', 'pg', '../src/store/database.js'],
  'src/deps.ts': ['./nowhere.js'],
};

const FORBIDDEN = [
  'adapters-below-the-edge: src/adapters/ecs.ts → blocks/kit.ts',
  'aws-not-upward: src/aws/ecs.ts → src/adapters/ecs.ts',
  'blocks-are-pure: blocks/canary.ts → src/adapters/ecs.ts',
  'handlers-not-to-aws: handlers/canary.ts → src/adapters/ecs.ts',
  'ops-through-ports: src/ops/canary.ts → src/adapters/ecs.ts',
  'aws-not-upward: src/aws/ecs.ts → src/ops/port.ts',
  'blocks-are-pure: blocks/canary.ts → handlers/canary.ts',
  'blocks-are-pure: blocks/canary.ts → src/runs/engine.ts',
  'blocks-are-pure: blocks/canary.ts → src/store/store.ts',
  'database-drivers-only-in-store: playground/server.ts → kysely',
  'database-drivers-only-in-store: src/runs/engine.ts → pg',
  // handlers → blocks is allowed; blocks → handlers is not, so this one pair is also a cycle.
  'no-cycle-in-product: blocks/canary.ts → handlers/canary.ts',
  'no-cycle-in-product: handlers/canary.ts → blocks/canary.ts',
  // The gateway that imports its adapter back closes a loop too.
  'no-cycle-in-product: src/adapters/ecs.ts → src/aws/ecs.ts',
  'no-cycle-in-product: src/aws/ecs.ts → src/adapters/ecs.ts',
  'no-cycle-in-product: src/runs/engine.ts → src/runs/run.ts',
  'no-cycle-in-product: src/runs/run.ts → src/runs/engine.ts',
  'no-dev-tools-in-product: src/local.ts → playground/server.ts',
  'no-dev-tools-in-product: src/local.ts → src/sandbox/start.ts',
  'handlers-not-to-aws: handlers/canary.ts → src/aws/ecs.ts',
  'ops-through-ports: src/ops/canary.ts → blocks/kit.ts',
  'ops-through-ports: src/ops/canary.ts → src/aws/ecs.ts',
  'ops-through-ports: src/ops/canary.ts → src/store/store.ts',
  'resolvable: src/deps.ts → ./nowhere.js',
  'store-public-surface: src/local.ts → src/store/testing.ts',
  'store-public-surface: src/runs/engine.ts → src/store/schema.ts',
  'store-raw-access-in-tests-only: test/store.test.ts → src/store/database.ts',
].sort();

describe('npm run lint:arch', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ecs-chatops-arch-'));
    for (const [file, imports] of Object.entries(TREE)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      const lines = imports.map((i, n) => (i.startsWith('type:') ? `import type * as t${n} from '${i.slice(5)}';` : `import * as v${n} from '${i}';\nvoid v${n};`));
      writeFileSync(join(dir, file), `${lines.join('\n')}\nexport const here = ${JSON.stringify(file)};\n`);
    }
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'arch-fixture', type: 'module', private: true }));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, verbatimModuleSyntax: true }, include: ['src', 'handlers', 'blocks', 'test', 'playground'] }));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses each forbidden arrow by the rule that names it, type-only imports included, and nothing else', async () => {
    const cli = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
    const out = await run(process.execPath, [cli, '.', '--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json'], { cwd: dir, maxBuffer: 32 * 1024 * 1024 }).catch(
      // Violations make the CLI exit non-zero; its report is still on stdout.
      (e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
    );
    const report = JSON.parse(out.stdout) as { summary: { violations: { rule: { name: string }; from: string; to: string; cycle?: { name: string }[] }[] } };
    const pairs = new Set<string>();
    for (const v of report.summary.violations) {
      // A cycle is reported once per file on it, naming the whole loop: list each of its arrows.
      const loop = v.cycle ? [v.from, ...v.cycle.map((c) => c.name)] : [v.from, v.to];
      for (let i = 0; i + 1 < loop.length; i += 1) pairs.add(`${v.rule.name}: ${loop[i]} → ${loop[i + 1]!.replace(/^.*node_modules\/([^/]+)\/.*$/, '$1')}`);
    }
    expect([...pairs].sort()).toEqual(FORBIDDEN);
  }, 60_000);
});
