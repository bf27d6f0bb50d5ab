// The bot's code compiled to plain JavaScript once, for the tests that start bot processes (replicas, crashes, Lambda
// invocations). Under `node --import tsx` every process start compiled and hooked every module again: 5–7 s per start
// on the busy 2-core machine, against 3–4 s from JavaScript (docs/decisions.md, issue 19, "Speed"). Those tests are
// about processes dying, draining and taking over, not about tsx; `test/dockerfile.test.ts` covers the real `npm run build`.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build, version as esbuildVersion } from 'esbuild';

const ROOT = new URL('../..', import.meta.url).pathname;
/** What the bot's processes load: the product's code (not tests, benches or the soak suite). */
const SOURCES = ['src', 'handlers', 'blocks'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

let built: Promise<string> | undefined;

/**
 * The directory holding `src/`, `handlers/` and `blocks/` as ES modules, named after a hash of every source file's
 * content (so an edit gives a new build, never a stale one). Files that start processes at the same moment may
 * build it twice; each builds into its own temp dir and renames it into place, and the first rename wins.
 */
export function compiledTree(): Promise<string> {
  built ??= (async () => {
    const files = SOURCES.flatMap((d) => tsFiles(join(ROOT, d))).sort();
    const hash = createHash('sha256').update(`esbuild ${esbuildVersion}\n`);
    for (const f of files) hash.update(`${relative(ROOT, f)}\n`).update(readFileSync(f));
    const cache = join(ROOT, 'node_modules', '.cache', 'ecs-chatops-tests');
    const dir = join(cache, hash.digest('hex').slice(0, 16));
    if (existsSync(join(dir, '.complete'))) return dir;
    const tmp = `${dir}.${randomBytes(4).toString('hex')}.tmp`;
    // One file in, one file out, the tree kept (outbase): relative imports stay as written (`./x.js`), and bare
    // ones resolve from the project's node_modules, which lies above the cache.
    await build({ entryPoints: files, outdir: tmp, outbase: ROOT, format: 'esm', platform: 'node', target: 'node20', bundle: false, sourcemap: 'inline', logLevel: 'error' });
    writeFileSync(join(tmp, '.complete'), '');
    try {
      mkdirSync(cache, { recursive: true });
      renameSync(tmp, dir);
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync(join(dir, '.complete'))) throw err;
    }
    return dir;
  })();
  return built;
}

/** The compiled path of a source file, e.g. `compiledPath('src/cli.ts')` → `<tree>/src/cli.js`. */
export async function compiledPath(source: string): Promise<string> {
  const path = join(await compiledTree(), source.replace(/\.ts$/, '.js'));
  if (!statSync(path, { throwIfNoEntry: false })?.isFile()) throw new Error(`${source} is not in the compiled tree (${path})`);
  return path;
}
