import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The dependency rules of docs/architecture.md, checked on the real import graph (dependency-cruiser with
 * .dependency-cruiser.cjs) and on the source text. dependency-cruiser is ESM-only, which Jest's CommonJS
 * loader cannot import, so its command-line program is run and its JSON read.
 */

const ROOT = path.resolve(__dirname, '../..');

type Rule =
  | 'baileys-outside-engine-adapter'
  | 'simulator-outside-itself'
  | 'platform-into-higher-layers'
  | 'engine-into-modules'
  | 'other-modules-repository'
  | 'process-env-outside-config'
  | 'prisma-outside-repositories'
  | 'folder-cycles';

/**
 * Violations that exist today and are being removed. Each entry is one offending edge ("from → to"; for the
 * text rules "file: what it uses"). The list may only shrink: a violation not listed here fails the test, and
 * so does a listed one that no longer exists, so that it is taken off the list in the change that fixes it.
 */
const KNOWN_VIOLATIONS: Record<Rule, readonly string[]> = {
  'baileys-outside-engine-adapter': [],
  'simulator-outside-itself': [],
  'platform-into-higher-layers': [],
  'engine-into-modules': [],
  'other-modules-repository': [],
  'folder-cycles': [],
  'process-env-outside-config': [],
  'prisma-outside-repositories': [],
};

interface Finding {
  /** What KNOWN_VIOLATIONS lists. */
  edge: string;
  /** Where it is, for the failure message. */
  where: string;
}

/** Fails with the new violations and the listed ones that are gone, each with where it is. */
function expectOnlyKnown(rule: Rule, findings: Finding[]): void {
  const known = new Set(KNOWN_VIOLATIONS[rule]);
  const found = new Map<string, string[]>();
  for (const finding of findings) found.set(finding.edge, [...(found.get(finding.edge) ?? []), finding.where]);
  const newViolations = [...found].filter(([edge]) => !known.has(edge)).map(([edge, where]) => `${edge}   (${where.join('; ')})`);
  const fixedButStillListed = [...known].filter((edge) => !found.has(edge));
  expect({ rule, newViolations, fixedButStillListed }).toEqual({ rule, newViolations: [], fixedButStillListed: [] });
}

// ---- the import graph -------------------------------------------------------------------------------

interface CruiseResult {
  modules: { source: string; dependencies: { resolved: string; dependencyTypes: string[] }[] }[];
  summary: { violations: { rule: { name: string }; from: string; to: string }[] };
}

function cruise(): CruiseResult {
  const cli = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
  const run = spawnSync(
    process.execPath,
    [cli, 'src', 'test', 'scripts', 'bench', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  if (run.error) throw run.error;
  if (!run.stdout.trim().startsWith('{')) throw new Error(`dependency-cruiser failed (exit ${run.status}):\n${run.stderr}`);
  return JSON.parse(run.stdout) as CruiseResult;
}

function ruleFindings(graph: CruiseResult, rule: Rule): Finding[] {
  return graph.summary.violations
    .filter((violation) => violation.rule.name === rule)
    .map((violation) => ({ edge: `${violation.from} → ${violation.to}`, where: violation.from }));
}

/**
 * The unit a source file belongs to for the folder-cycle rule: a module, a part of the platform, the engine,
 * the simulator, the CLI, or the composition root (src/*.ts). Generated code and tests are not units, nor are
 * the unit specs beside the code: a test importing two folders ties nothing together at run time.
 */
function unitOf(file: string): string | undefined {
  const parts = file.split('/');
  if (parts[0] !== 'src' || parts[1] === 'generated' || parts.length < 2 || file.endsWith('.spec.ts')) return undefined;
  if (parts.length === 2) return 'src';
  if (parts[1] === 'modules' || parts[1] === 'platform') return `src/${parts[1]}/${parts[2].replace(/\.ts$/, '')}`;
  return `src/${parts[1]}`;
}

/** Strongly connected components (Tarjan) of a directed graph given as adjacency sets. */
function stronglyConnected(graph: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component);
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return components;
}

/**
 * Every unit-to-unit edge that lies on a cycle, with the file imports that make it. Imports that go down
 * the layers the wrong way (platform into a module, engine into a module) are left out: they are violations
 * of their own rule already, and every cycle across layers runs through one of them, so what remains to be
 * found here are the cycles inside a layer (between modules, between platform parts).
 */
function folderCycleFindings(graph: CruiseResult): Finding[] {
  const layerViolations = new Set(
    graph.summary.violations
      .filter((violation) => ['platform-into-higher-layers', 'engine-into-modules'].includes(violation.rule.name))
      .map((violation) => `${violation.from} → ${violation.to}`),
  );
  const units = new Map<string, Set<string>>();
  const imports = new Map<string, string[]>();
  for (const module of graph.modules) {
    const from = unitOf(module.source);
    if (!from) continue;
    for (const dependency of module.dependencies) {
      const to = unitOf(dependency.resolved);
      if (!to || to === from || layerViolations.has(`${module.source} → ${dependency.resolved}`)) continue;
      units.set(from, (units.get(from) ?? new Set()).add(to));
      const edge = `${from} → ${to}`;
      imports.set(edge, [...(imports.get(edge) ?? []), `${module.source} → ${dependency.resolved}`]);
    }
  }
  return stronglyConnected(units)
    .filter((component) => component.length > 1)
    .flatMap((component) =>
      component.flatMap((from) =>
        [...(units.get(from) ?? [])]
          .filter((to) => component.includes(to))
          .map((to) => ({ edge: `${from} → ${to}`, where: [...new Set(imports.get(`${from} → ${to}`))].join(', ') })),
      ),
    );
}

// ---- the source text ----------------------------------------------------------------------------------

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const file = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return file === 'src/generated' ? [] : sourceFiles(file);
    return /\.(ts|js|mjs|cjs)$/.test(entry.name) ? [file] : [];
  });
}

/** Lines of code that match, comment lines left out (a comment may name what the code must not do). */
function textFindings(files: string[], pattern: RegExp, what: string): Finding[] {
  return files.flatMap((file) => {
    const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
    const hits = lines.flatMap((line, i) => (pattern.test(line) && !/^\s*(\/\/|\/\*|\*)/.test(line) ? [i + 1] : []));
    return hits.length ? [{ edge: `${file}: ${what}`, where: `${file}:${hits.join(',')}` }] : [];
  });
}

/** The gateway's own code: src and the configuration files at the root, which are what run or build it. */
function gatewayFiles(): string[] {
  const rootFiles = fs.readdirSync(ROOT).filter((name) => /\.(ts|js|mjs|cjs)$/.test(name) && fs.statSync(path.join(ROOT, name)).isFile());
  return [...sourceFiles('src'), ...rootFiles];
}

describe('The architecture', () => {
  let graph: CruiseResult;

  beforeAll(() => {
    graph = cruise();
  });

  it('is read from the whole import graph, Baileys and type-only imports included', () => {
    const sources = new Set(graph.modules.map((module) => module.source));
    expect(sources.size).toBeGreaterThan(100);
    for (const area of ['src/engine/baileys/', 'src/simulator/', 'src/modules/', 'src/platform/', 'test/', 'scripts/', 'bench/']) {
      expect([area, [...sources].some((source) => source.startsWith(area))]).toEqual([area, true]);
    }
    const baileysImports = graph.modules
      .filter((module) => module.source.startsWith('src/engine/baileys/'))
      .flatMap((module) => module.dependencies)
      .filter((dependency) => dependency.resolved.includes('node_modules/@whiskeysockets/baileys/'));
    expect(baileysImports.length).toBeGreaterThan(0);
    expect(graph.modules.some((module) => module.dependencies.some((dependency) => dependency.dependencyTypes.includes('type-only')))).toBe(
      true,
    );
  });

  it('imports Baileys only in the engine adapter (src/engine/baileys) and the simulator, its tests and benchmark', () => {
    expectOnlyKnown('baileys-outside-engine-adapter', ruleFindings(graph, 'baileys-outside-engine-adapter'));
  });

  it('keeps the simulator to itself: it imports Node built-ins, packages and its own files only', () => {
    expectOnlyKnown('simulator-outside-itself', ruleFindings(graph, 'simulator-outside-itself'));
  });

  it('keeps the platform below everything else: it imports no module, nor the engine, simulator or CLI', () => {
    expectOnlyKnown('platform-into-higher-layers', ruleFindings(graph, 'platform-into-higher-layers'));
  });

  it('keeps the engine below the modules: it imports none of them', () => {
    expectOnlyKnown('engine-into-modules', ruleFindings(graph, 'engine-into-modules'));
  });

  it("never imports another module's repository", () => {
    expectOnlyKnown('other-modules-repository', ruleFindings(graph, 'other-modules-repository'));
  });

  it('has no cycles between modules, platform parts, the engine and the simulator', () => {
    expectOnlyKnown('folder-cycles', folderCycleFindings(graph));
  });

  it('reads process.env only in src/platform/config', () => {
    // Allowed besides: test/, scripts/ and bench/ (not scanned), which set up or drive a gateway from outside;
    // and the files named here, which read no setting of the gateway.
    const allowed = [
      /^src\/platform\/config\//,
      // Hands the process' own environment to the `command -v redis-server` lookup it spawns.
      /^src\/platform\/redis\/local-redis\.ts$/,
      // The Prisma CLI's configuration, read by that CLI (`prisma generate`), never by the gateway.
      /^prisma\.config\.ts$/,
      // The standalone simulator's own setting (SIMULATOR_STATE_FILE); the simulator imports nothing of the gateway.
      /^src\/simulator\/cli\/main\.ts$/,
    ];
    const files = gatewayFiles().filter((file) => !allowed.some((pattern) => pattern.test(file)));
    expectOnlyKnown('process-env-outside-config', textFindings(files, /\bprocess\.env\b/, 'process.env'));
  });

  it('uses the Prisma client and plain SQL only in repositories and src/platform/database', () => {
    // Tests, scripts and benchmarks are not scanned: they set up and inspect databases from outside.
    const allowed = [
      /\.repository\.ts$/,
      /^src\/platform\/database\//,
      // The composition root: AppRuntime carries the connected client from the boot sequence to DatabaseModule.
      /^src\/app\.module\.ts$/,
      // The readiness probe asks the connection itself (SELECT 1); there is no table for a repository to own.
      /^src\/modules\/health\/health\.indicators\.ts$/,
    ];
    const files = sourceFiles('src').filter((file) => !allowed.some((pattern) => pattern.test(file)));
    expectOnlyKnown(
      'prisma-outside-repositories',
      textFindings(
        files,
        /\bprisma\.|\bPrismaClient\b|\$queryRaw|\$executeRaw|\$transaction|\bsql\.query\(|\bsqlIn\(|\bsqlOf\(/,
        'Prisma client or plain SQL',
      ),
    );
  });
});
