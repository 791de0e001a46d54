/**
 * infrawire's import rules, checked by dependency-cruiser inside `npm test`
 * (tests/architecture/layers.test.ts) with no exceptions.
 *
 * Rules:
 * - src/ is one folder per pipeline stage, in this order; a stage imports only
 *   from itself and the stages before it (`LAYERS`). Type-only imports count.
 * - No file may sit in src/ outside a listed stage folder.
 * - No circular dependency between files, nor between folders (on
 *   dependency-cruiser's folder graph a subfolder belongs to its parent:
 *   store/sqlite, the store's implementation, may import store/types.ts).
 * - src/ never imports from tests/.
 */
'use strict';

/** The stages, lowest first: a stage may import from itself and those before it. */
const LAYERS = [
  'model', 'lib', 'config', 'fetch', 'parse', 'normalize', 'pool', 'curate', 'store',
  'publish', 'serve', 'metrics', 'websub', 'pipeline', 'schedule', 'cli',
];

/** One rule per stage with stages after it: importing any of those runs upward. */
const upwardImports = LAYERS.slice(0, -1).map((layer, index) => ({
  name: `no-upward-import-from-${layer}`,
  comment: `src/${layer} may import only from ${LAYERS.slice(0, index + 1).join(', ')}`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: `^src/(${LAYERS.slice(index + 1).join('|')})/` },
}));

const rules = [
  ...upwardImports,
  {
    name: 'only-stage-folders',
    comment: `every file in src/ lives in a stage folder (${LAYERS.join(', ')})`,
    severity: 'error',
    from: { path: '^src/', pathNot: `^src/(${LAYERS.join('|')})/` },
    to: {},
  },
  {
    name: 'no-import-outside-stages',
    comment: `src/ imports only files in stage folders (${LAYERS.join(', ')})`,
    severity: 'error',
    from: { path: '^src/' },
    to: { path: '^src/', pathNot: `^src/(${LAYERS.join('|')})/` },
  },
  {
    name: 'no-circular-files',
    comment: 'no file reaches itself through its imports',
    severity: 'error',
    from: {},
    to: { circular: true },
  },
  {
    name: 'no-circular-folders',
    comment: 'no folder reaches itself through its files\u2019 imports',
    severity: 'error',
    scope: 'folder',
    from: {},
    to: { circular: true },
  },
  {
    name: 'no-tests-from-src',
    comment: 'production code never imports test code',
    severity: 'error',
    from: { path: '^src/' },
    to: { path: '^tests/' },
  },
];

module.exports = {
  forbidden: rules,
  options: {
    // Type-only imports are dependencies too: a type from a later stage is still an upward import.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    // Resolve packages through their `exports` as Node does (p-queue and tsx have no `main` for these paths).
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    // Folder cycles are found on the folder graph, which dependency-cruiser builds with metrics.
    metrics: true,
  },
};
