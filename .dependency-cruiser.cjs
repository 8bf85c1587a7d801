// The import-graph rules of the gateway (docs/architecture.md explains them). test/foundation/architecture.spec.ts
// runs this configuration and fails on any violation it does not already list; `npx depcruise src test scripts bench`
// prints the same violations on the command line.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      // Baileys types and calls stay behind the engine's ports; the rest of the gateway speaks its own terms.
      // The simulator plays the WhatsApp side of the same protocol, so it (and its tests and benchmark) use it too.
      name: 'baileys-outside-engine-adapter',
      severity: 'error',
      from: { pathNot: ['^src/engine/baileys/', '^src/simulator/', '^test/simulator/', '^bench/'] },
      to: { path: '(^|/)node_modules/@whiskeysockets/baileys/' },
    },
    {
      // The simulator is a WhatsApp network of its own: the gateway may use it, it uses nothing of the gateway.
      name: 'simulator-outside-itself',
      severity: 'error',
      from: { path: '^src/simulator/' },
      to: { pathNot: ['^src/simulator/', '(^|/)node_modules/'], dependencyTypesNot: ['core'] },
    },
    {
      // Shared infrastructure is what modules build on; it knows no module, and not the engine or the simulator.
      name: 'platform-into-higher-layers',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: ['^src/(modules|engine|simulator|cli)/', '^src/[^/]+\\.ts$'] },
    },
    {
      // Modules use the engine through its ports; the engine knows no module.
      name: 'engine-into-modules',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: ['^src/(modules|cli)/', '^src/[^/]+\\.ts$'] },
    },
    {
      // A module's public surface is its service; its repository and its tables are its own.
      name: 'other-modules-repository',
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/.+\\.repository\\.ts$', pathNot: '^src/modules/$1/' },
    },
  ],
  options: {
    // Type-only imports count: a type from another layer couples the two as much as a value does.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Keep packages and the generated Prisma client as nodes of the graph, without reading inside them.
    doNotFollow: { path: ['(^|/)node_modules/', '^src/generated/'] },
    exclude: { path: ['^dist/', '^coverage/'] },
    moduleSystems: ['cjs', 'es6'],
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
  },
};
