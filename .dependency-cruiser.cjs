// The allowed imports between the parts of ecs-chatops, checked by `npm run lint:arch` (dependency-cruiser).
// docs/architecture.md, "Allowed imports", says the same in words; change both together.
//
// Paths are relative to the repository root. The dev tools are written for both homes they have had: inside src/
// (src/sandbox, src/playground) and at the top level (sandbox/, playground/).

/* global module -- a CommonJS file: dependency-cruiser reads .cjs configs with require(). */

/** The product: what is compiled into dist/ and shipped in the image. */
const PRODUCT = '^(src|handlers|blocks)/';
/** The dev tools, wherever they live. */
const DEV_TOOLS = '^(src/)?(sandbox|playground)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle-in-product',
      comment:
        'No import cycle among product files, type-only imports included: a cycle means two parts that cannot be ' +
        'understood (or tested) one without the other. Break it by moving the shared type to the part that owns it.',
      severity: 'error',
      from: { path: PRODUCT, pathNot: DEV_TOOLS },
      to: { circular: true },
    },
    {
      name: 'handlers-not-to-aws',
      comment: 'The Slack edge parses, checks rights and calls the engine; it never reads AWS itself, not even through an adapter (dry runs and status go through the operation).',
      severity: 'error',
      from: { path: '^handlers/' },
      to: { path: '^src/(aws|adapters)/' },
    },
    {
      name: 'aws-not-upward',
      comment: 'The AWS gateways know AWS only: no operation, no adapter, no Slack edge, no Block Kit. An operation declares its port; src/adapters implements it from the gateways.',
      severity: 'error',
      from: { path: '^src/aws/' },
      to: { path: '^(src/ops|src/adapters|handlers|blocks)/' },
    },
    {
      name: 'ops-through-ports',
      comment: 'An operation reaches AWS and the store only through its port and the context the engine gives it; no Slack edge, no Block Kit.',
      severity: 'error',
      from: { path: '^src/ops/' },
      to: { path: '^(src/aws|src/adapters|handlers|blocks|src/store)/' },
    },
    {
      name: 'adapters-below-the-edge',
      comment: 'An adapter maps gateway calls to an operation\'s port; it knows nothing of Slack.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^(handlers|blocks)/' },
    },
    {
      name: 'blocks-are-pure',
      comment: 'blocks/ turns a run or a status into Block Kit: no Slack edge, no AWS, no store, no engine.',
      severity: 'error',
      from: { path: '^blocks/' },
      to: { path: '^(handlers/|src/aws/|src/adapters/|src/store/|src/runs/engine\\.ts$)' },
    },
    {
      name: 'no-dev-tools-in-product',
      comment: 'The sandbox and the playground are dev tools beside the product, not in it: nothing the image ships imports them.',
      severity: 'error',
      from: { path: PRODUCT, pathNot: DEV_TOOLS },
      to: { path: DEV_TOOLS },
    },
    {
      name: 'database-drivers-only-in-store',
      comment:
        'Only src/store speaks SQL: kysely, better-sqlite3 and pg are imported nowhere else in the product or the dev tools. ' +
        '(test/, bench/ and soak/ may: they start PostgreSQL, fill a disk, measure a file.)',
      severity: 'error',
      from: { path: `${PRODUCT}|${DEV_TOOLS}`, pathNot: '^src/store/' },
      to: { path: '(^|/)node_modules/(kysely|better-sqlite3|pg)/' },
    },
    {
      name: 'store-public-surface',
      comment: 'Outside src/store, only store.ts (the Store) and outage.ts (isStoreUnavailable) are imported; the schema, the migrations and the raw builder stay inside.',
      severity: 'error',
      from: { pathNot: '^(src/store|test)/' },
      to: { path: '^src/store/', pathNot: '^src/store/(store|outage)\\.ts$' },
    },
    {
      name: 'store-raw-access-in-tests-only',
      comment: 'src/store/testing.ts (databaseOf) opens the raw tables for tests; product code asks the Store by name instead.',
      severity: 'error',
      from: { path: '^test/' },
      to: { path: '^src/store/', pathNot: '^src/store/(store|outage|testing)\\.ts$' },
    },
    {
      name: 'resolvable',
      comment: 'Every relative import resolves to a file: an import the checker cannot follow would pass every rule unseen.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, dependencyTypesNot: ['core'] },
    },
  ],
  options: {
    // Type-only imports count: `import type` ties two files as tightly as a value import for whoever reads them.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Node's ESM resolution (packages' "exports"); dependency-cruiser maps `./x.js` in an import to `./x.ts` on disk.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|data|coverage|test-artifacts|node_modules)/' },
    moduleSystems: ['es6', 'cjs'],
    skipAnalysisNotInRules: true,
  },
};
