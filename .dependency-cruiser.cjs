/**
 * DESIGN.md's dependency rule, enforced: pure modules never import adapters or composition
 * roots, and never touch the file system, network, processes or threads. Data moves forward
 * through the modules; nothing reaches back.
 */
const PURE = '^src/(analyze|ledger|law|workflow|share|corpus|shared)/';
const ADAPTERS = '^src/(store|server|jobs|cli)/';
const IO_BUILTINS = [
  'fs',
  'crypto',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'dgram',
  'dns',
  'tls',
  'child_process',
  'cluster',
  'worker_threads',
  'process',
  'os',
  'readline',
  'v8',
  'vm',
];

module.exports = {
  forbidden: [
    {
      name: 'pure-imports-adapter',
      severity: 'error',
      comment:
        'Pure modules (analyze, ledger, law, workflow, share, corpus, shared) must not import adapters or composition roots (store, server, jobs, cli). Pass what they need in as data.',
      from: { path: PURE },
      to: { path: ADAPTERS },
    },
    {
      name: 'pure-imports-io',
      severity: 'error',
      comment:
        'Pure modules do no IO: no file system, network, processes or threads. Do the IO in an adapter and pass the data in.',
      from: { path: PURE, pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'], path: `^(node:)?(${IO_BUILTINS.join('|')})$` },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules form a pipeline; a cycle means something reaches back.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-test',
      severity: 'error',
      comment: 'Production code never imports tests.',
      from: { pathNot: '\\.test\\.ts$|^test/' },
      to: { path: '\\.test\\.ts$|^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
