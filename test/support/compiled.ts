// The bot's code compiled to plain JavaScript once, for the tests that start bot processes (replicas, crashes, Lambda
// invocations). Under `node --import tsx` every process start compiled and hooked every module again: 5–7 s per start
// on the busy 2-core machine, against 3–4 s from JavaScript (docs/decisions.md, issue 19, "Speed"). Those tests are
// about processes dying, draining and taking over, not about tsx; `test/dockerfile.test.ts` covers the real `npm run build`.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build as esbuild, version as esbuildVersion, type BuildOptions, type Plugin } from 'esbuild';

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

/**
 * How the tree is built. `modules`: one file in, one file out, bare imports resolved by Node from node_modules — what
 * the product's own `npm run build` gives, for the tests that record which packages a bot loads. `bundled`: the
 * product's files stay one file each (so `import.meta.url`, the chart worker and the failpoints work as in the
 * product), but the packages they import are bundled into shared chunks: a bot process reads ~14 files instead of
 * the ~1,500 of Bolt, Express, axios, the AWS SDK and zod, and starts on ~35 % less CPU (1.4 → 0.9 CPU-seconds,
 * docs/decisions.md, issue 19 "Speed (sixth session)") — the tests that start bot processes by the dozen use it.
 */
export type TreeKind = 'modules' | 'bundled';

/**
 * Packages left to Node's own loader even when bundled: native addons, packages that find their own files on disk at
 * run time (pino's transports; ECharts and resvg through createRequire), and the dev tools.
 */
const BUNDLE_EXTERNAL = ['better-sqlite3', 'pg', 'pg-native', 'pino', 'pino-pretty', 'thread-stream', 'echarts', '@resvg/resvg-js', 'esbuild', 'playwright-core', 'tsx'];

/** The product's own modules stay one file each, imported as written (`./x.js`); only packages are bundled. */
const ownFilesStayFiles: Plugin = {
  name: 'own-files-stay-files',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => (args.kind === 'entry-point' || args.importer.includes('/node_modules/') ? undefined : { path: args.path, external: true }));
  },
};

const options = (kind: TreeKind): BuildOptions =>
  kind === 'modules'
    ? { bundle: false }
    : {
        bundle: true,
        splitting: true,
        chunkNames: 'chunks/[name]-[hash]',
        external: BUNDLE_EXTERNAL,
        plugins: [ownFilesStayFiles],
        // CommonJS packages bundled into ES modules still call require() for Node's built-ins.
        banner: { js: "import { createRequire as __ecsChatopsRequire } from 'node:module'; const require = __ecsChatopsRequire(import.meta.url);" },
      };

const built = new Map<TreeKind, Promise<string>>();

/**
 * The directory holding `src/`, `handlers/` and `blocks/` as ES modules, named after the kind and a hash of every
 * source file's content (so an edit gives a new build, never a stale one). Files that start processes at the same
 * moment may build it twice; each builds into its own temp dir and renames it into place, and the first rename wins.
 * No source maps: the bot processes run without --enable-source-maps, and esbuild's output is readable as it is.
 */
export function compiledTree(kind: TreeKind = 'modules'): Promise<string> {
  let tree = built.get(kind);
  if (!tree) {
    tree = build(kind);
    built.set(kind, tree);
  }
  return tree;
}

async function build(kind: TreeKind): Promise<string> {
  const files = SOURCES.flatMap((d) => tsFiles(join(ROOT, d))).sort();
  const hash = createHash('sha256').update(`esbuild ${esbuildVersion} ${kind} v2\n`);
  for (const f of files) hash.update(`${relative(ROOT, f)}\n`).update(readFileSync(f));
  const cache = join(ROOT, 'node_modules', '.cache', 'ecs-chatops-tests');
  const dir = join(cache, `${kind}-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(join(dir, '.complete'))) return dir;
  const tmp = `${dir}.${randomBytes(4).toString('hex')}.tmp`;
  // The tree kept (outbase): relative imports stay as written (`./x.js`), and bare ones resolve from the project's
  // node_modules, which lies above the cache.
  await esbuild({ entryPoints: files, outdir: tmp, outbase: ROOT, format: 'esm', platform: 'node', target: 'node20', logLevel: 'error', ...options(kind) });
  writeFileSync(join(tmp, '.complete'), '');
  try {
    mkdirSync(cache, { recursive: true });
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(join(dir, '.complete'))) throw err;
  }
  return dir;
}

/** The compiled path of a source file, e.g. `compiledPath('src/cli.ts')` → `<tree>/src/cli.js`. */
export async function compiledPath(source: string, kind: TreeKind = 'modules'): Promise<string> {
  const path = join(await compiledTree(kind), source.replace(/\.ts$/, '.js'));
  if (!statSync(path, { throwIfNoEntry: false })?.isFile()) throw new Error(`${source} is not in the compiled tree (${path})`);
  return path;
}
