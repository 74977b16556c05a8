/**
 * A thin CLI: argv → lint → formatter → exit code. It never calls `process.exit`; the bin sets
 * `process.exitCode`. Results go to stdout, diagnostics to stderr.
 * Exit codes (DESIGN.md §2): 0 clean, 1 error findings or too many warnings, 2 the run could not be done.
 */
import { escapeResult, guardCommandLines, safeDiagnostic } from './formatters/hygiene.js';
import path from 'node:path';
import { PACKAGE_JSON } from './package-root.js';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { lintPathsOnline } from './api.js';
import { FORMAT_NAMES, loadFormatter, normalizeReport } from './formatters/index.js';
import { applyBaselineFile, writeBaselineFile } from './baseline.js';
import { findRepositoryRoot, writeReportFiles } from './report-files.js';
import { renderRuleDoc, severityRange } from './rules/docs.js';
import { allRules, defaultSeverity } from './config/resolve.js';
import { loadConfig, type ConfigFile } from './config/load.js';
import { formatConfigProblem } from './api.js';
import { repositoryRoots } from './config/trust.js';
import type { LintResult, Severity } from './types.js';
import { applyRuleSelection, effectiveConfig, explainUnknown, parseFormats, rulesAsJson, type RuleSelection } from './cli-support.js';
import { DEFAULT_KUBERNETES_VERSION, parseKubernetesVersion } from './knowledge/api-versions.js';
import { createProgress, progressWanted } from './progress.js';

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** All of stdin as text; may stop reading once it has more than `maxBytes`. */
  readStdin: (maxBytes?: number) => Promise<string>;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Whether stdout is a terminal (colour by default). */
  isTTY: boolean;
  /** Whether stderr is a terminal: progress of long runs is shown there (src/progress.ts). */
  stderrIsTTY?: boolean;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export const VERSION: string = PACKAGE_JSON.version;

interface CheckOptions extends RuleSelection {
  config?: string;
  format?: string[];
  outputFile?: string;
  maxWarnings?: number;
  quiet?: boolean;
  color: boolean;
  registry?: string;
  nodes?: string;
  kubernetesVersion?: string;
  kustomize?: 'auto' | 'off';
  helm?: 'auto' | 'off';
  cache: boolean;
  baseline?: string;
  writeBaseline?: string;
  stdinFilename?: string;
  printConfig?: string | boolean;
  junitFailOn: Severity;
  mlflowUrl?: string;
  offline?: boolean;
  checkImages?: boolean;
  progress: boolean;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

export async function run(argv: string[], rawIO: CliIO): Promise<number> {
  // Diagnostics quote repository text (paths, config values, kustomize's errors): escaped, never a workflow command.
  const io: CliIO = { ...rawIO, stderr: (text) => rawIO.stderr(safeDiagnostic(text)) };
  /** stdout of `rules` and `explain`: policy texts come from the config. */
  const plainOut = (text: string) => io.stdout(safeDiagnostic(text));
  let exitCode = EXIT_OK;
  const program = new Command('mllint')
    .description('Lint the Kubernetes manifests of ML serving workloads before they reach a cluster')
    .version(VERSION, '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run "mllint --help" for usage)');

  program
    .command('check')
    .description('lint files and directories (default: .); "-" reads YAML from stdin')
    .argument('[paths...]', 'files or directories to lint')
    .option('-c, --config <file>', 'config file (default: .mllint.yaml, mllint.config.yaml or rules.config.yaml, searched upwards)')
    .option('-f, --format <format>', `output format: ${FORMAT_NAMES.map((n) => `"${n}"`).join(', ')} (default: "stylish"); repeat it with NAME=FILE for more reports from one run, e.g. --format github --format sarif=mllint.sarif`, collect)
    .option('-o, --output-file <file>', 'write the report to a file instead of stdout')
    .option('--rule <rule=severity>', 'set a rule\'s severity (off, info, warning, error) over the config; repeatable', collect)
    .option('--include <rules>', 'run only these rules (comma-separated; repeatable); findings that some input was not checked (parse-error, rule-error, charts or GitOps sources not rendered, online sources not reached) are still reported', collect)
    .option('--exclude <rules>', 'do not run these rules (comma-separated; repeatable)', collect)
    .option('--stdin-filename <path>', 'the file name findings on stdin ("-") carry, and that config overrides match')
    .option('--print-config [file]', 'print the effective configuration (for FILE, when given) as JSON and exit')
    .addOption(new Option('--junit-fail-on <severity>', 'junit: findings of this severity or higher are failures; lower ones are listed as passed test cases with output').choices(['error', 'warning', 'info']).default('error'))
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this', parseCount)
    .option('-q, --quiet', 'report errors only')
    .option('--no-color', 'disable colours (also NO_COLOR)')
    .option('--no-progress', 'no progress line on stderr (shown only when stderr is a terminal outside CI; also MLLINT_PROGRESS=0)')
    .option('--registry <file>', 'model registry file (overrides registry.file in the config)')
    .option('--nodes <file>', 'Node objects, e.g. the output of kubectl get nodes -o yaml')
    .option('--kubernetes-version <version>', `Kubernetes release the manifests are applied to, e.g. 1.33 (overrides kubernetesVersion; default ${DEFAULT_KUBERNETES_VERSION})`, parseKubernetesVersionOption)
    .addOption(new Option('--kustomize <mode>', 'auto: lint kustomizations as rendered by kustomize (default); off: lint their raw files').choices(['auto', 'off']))
    .addOption(new Option('--helm <mode>', 'auto: render Helm charts and what Argo CD / Flux objects deploy (default); off: skip charts').choices(['auto', 'off']))
    .option('--baseline <file>', 'report only findings that the baseline file does not record')
    .option('--no-cache', 'do not reuse or store results in the repository\'s .mllint-cache/ (also MLLINT_CACHE=0)')
    .option('--write-baseline <file>', "record this run's findings in a baseline file, then exit 0")
    .option('--mlflow-url <url>', 'MLflow tracking server to check model versions against (also registry.mlflow.url, MLFLOW_TRACKING_URI)')
    .option('--check-images', 'resolve image tags with their registries (OCI distribution API; also registries.check)')
    .option('--offline', 'use no online source (MLflow, image registries), whatever the config and environment say')
    .action(async (paths: string[], options: CheckOptions) => {
      exitCode = await check(paths, options, io, rawIO.stderr);
    });

  /** `rules` and `explain` show the config's custom policies too; a broken config is exit 2. */
  const configFor = (configPath: string | undefined): ConfigFile | undefined => {
    const loaded = loadConfig({ cwd: io.cwd, configPath, roots: repositoryRoots(io.cwd, io.env) });
    if (loaded.ok) return loaded.config;
    for (const problem of loaded.problems) io.stderr(`mllint: config error: ${formatConfigProblem(problem)}\n`);
    exitCode = EXIT_USAGE;
    return undefined;
  };

  program
    .command('rules')
    .description('list every rule and custom policy: id, default severity, one-line description')
    .option('-c, --config <file>', 'config file whose policies and severities to use')
    .addOption(new Option('-f, --format <format>', 'text, or json (id, effective and default severity, options, docs)').choices(['text', 'json']).default('text'))
    .action((options: { config?: string; format: 'text' | 'json' }) => {
      const config = configFor(options.config);
      if (!config) return;
      if (options.format === 'json') {
        io.stdout(`${JSON.stringify(rulesAsJson(config), null, 2)}\n`);
        return;
      }
      const rules = allRules(config);
      const width = Math.max(...rules.map((r) => r.meta.id.length));
      // A rule whose findings default to different severities shows the range: image-pinned "warning/error".
      const severityOf = (rule: (typeof rules)[number]) => (defaultSeverity(rule) === 'off' ? 'off' : severityRange(rule));
      const severityWidth = Math.max(7, ...rules.map((r) => severityOf(r).length));
      for (const rule of rules) {
        const severity = severityOf(rule);
        const kind = 'policy' in rule ? ' (policy)' : '';
        plainOut(`${rule.meta.id.padEnd(width)}  ${severity.padEnd(severityWidth)}  ${rule.meta.description}${kind}\n`);
      }
    });

  program
    .command('explain')
    .description("print a rule's documentation: why, what it checks, options, how to fix")
    .argument('<rule>', 'rule or policy id')
    .option('-c, --config <file>', 'config file that defines custom policies')
    .action((id: string, options: { config?: string }) => {
      const config = configFor(options.config);
      if (!config) return;
      const rule = allRules(config).find((r) => r.meta.id === id);
      if (!rule) {
        io.stderr(`mllint: ${explainUnknown(id, allRules(config))}\n`);
        exitCode = EXIT_USAGE;
        return;
      }
      plainOut(renderRuleDoc(rule));
    });

  program
    .command('init')
    .description('write a starter .mllint.yaml for this repository (never overwrites)')
    .option('--nodes <file>', 'Node objects (kubectl get nodes -o yaml) to take node pools from')
    .action(async (options: { nodes?: string }) => {
      const { runInit } = await import('./init.js');
      const done = runInit(io.cwd, io.env, options.nodes);
      if (!done.ok) {
        io.stderr(`mllint: ${done.message}\n`);
        exitCode = EXIT_USAGE;
        return;
      }
      io.stderr(`mllint: wrote ${done.file}; next: point at MLflow (MLFLOW_TRACKING_URI or --mlflow-url) and run mllint check\n`);
    });

  const registry = program.command('registry').description('model registry snapshots');
  registry
    .command('export')
    .description('write a model registry snapshot (model-registry.yaml) from MLflow to stdout')
    .option('--mlflow-url <url>', 'MLflow tracking server (also registry.mlflow.url, MLFLOW_TRACKING_URI)')
    .option('--model <name...>', 'only these registered models (default: all)')
    .option('-c, --config <file>', 'config file (registry.mlflow: URL, tag names, CA; timeouts.onlineSeconds)')
    .action(async (options: { mlflowUrl?: string; model?: string[]; config?: string }) => {
      const config = configFor(options.config);
      if (!config) return;
      if (options.mlflowUrl !== undefined && !/^https?:\/\/[^/]/i.test(options.mlflowUrl)) {
        io.stderr('mllint: --mlflow-url must be an http:// or https:// URL\n');
        exitCode = EXIT_USAGE;
        return;
      }
      const { exportRegistry } = await import('./sources/export.js');
      const exported = await exportRegistry({ config, cwd: io.cwd, env: io.env, mlflowUrl: options.mlflowUrl, models: options.model });
      if (!exported.ok) {
        io.stderr(`mllint: ${exported.message}\n`);
        exitCode = EXIT_USAGE;
        return;
      }
      io.stdout(exported.text);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT_OK;
      return EXIT_USAGE; // commander already printed the message
    }
    io.stderr(`mllint: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_USAGE;
  }
  return exitCode;
}

function parseKubernetesVersionOption(value: string): string {
  if (!parseKubernetesVersion(value)) throw new InvalidArgumentError('expected a Kubernetes release such as 1.33');
  return value;
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

/** Largest stdin read (bytes): rendered charts of a whole release; each part is still capped like a file. */
export const MAX_STDIN_BYTES = 64 * 1024 * 1024;

/** `rawStderr`: stderr without the escaping of diagnostics, for the progress line's own control sequences. */
async function check(paths: string[], options: CheckOptions, io: CliIO, rawStderr: (text: string) => void = io.stderr): Promise<number> {
  const formats = parseFormats(options.format, FORMAT_NAMES);
  if (!formats.ok) {
    io.stderr(`mllint: ${formats.message}\n`);
    return EXIT_USAGE;
  }
  // The same trust roots as lintPaths uses (config/trust.ts): the linted paths' repositories.
  const loaded = loadConfig({ cwd: io.cwd, configPath: options.config, roots: repositoryRoots(io.cwd, io.env, paths) });
  if (!loaded.ok) {
    for (const problem of loaded.problems) io.stderr(`mllint: config error: ${formatConfigProblem(problem)}\n`);
    return EXIT_USAGE;
  }
  const selected = applyRuleSelection(loaded.config, options);
  if (!selected.ok) {
    for (const message of selected.messages) io.stderr(`mllint: ${message}\n`);
    return EXIT_USAGE;
  }
  if (options.printConfig !== undefined) {
    const file = typeof options.printConfig === 'string' ? options.printConfig : '';
    const scope = file ? { file, absPath: path.resolve(io.cwd, file) } : { file: '' };
    io.stdout(`${JSON.stringify(effectiveConfig(selected.config, scope), null, 2)}\n`);
    return EXIT_OK;
  }
  if (options.mlflowUrl !== undefined && !/^https?:\/\/[^/]/i.test(options.mlflowUrl)) {
    io.stderr('mllint: --mlflow-url must be an http:// or https:// URL\n');
    return EXIT_USAGE;
  }
  const stdinText = paths.includes('-') ? await io.readStdin(MAX_STDIN_BYTES) : undefined;
  if (stdinText !== undefined && Buffer.byteLength(stdinText) > MAX_STDIN_BYTES) {
    io.stderr(`mllint: error: stdin is larger than ${MAX_STDIN_BYTES / 1048576} MiB; lint the files instead\n`);
    return EXIT_USAGE;
  }
  const progress = progressWanted(io.stderrIsTTY ?? false, io.env, options.progress) ? createProgress(rawStderr) : undefined;
  const outcome = await lintPathsOnline(paths, {
    progress: progress?.update,
    cwd: io.cwd,
    config: selected.config,
    mlflowUrl: options.mlflowUrl,
    offline: options.offline,
    checkImages: options.checkImages,
    configPath: options.config,
    registryPath: options.registry,
    nodesPath: options.nodes,
    kubernetesVersion: options.kubernetesVersion,
    kustomize: options.kustomize,
    kustomizeCommand: io.env.MLLINT_KUSTOMIZE_COMMAND || undefined,
    helm: options.helm,
    helmCommand: io.env.MLLINT_HELM_COMMAND || undefined,
    env: io.env,
    cache: options.cache && io.env.MLLINT_CACHE !== '0',
    stdinText,
    stdinFilename: options.stdinFilename,
  }).finally(() => progress?.end());
  if (!outcome.ok) {
    const label = outcome.kind === 'config' ? 'config error' : 'error';
    for (const message of outcome.messages) io.stderr(`mllint: ${label}: ${message}\n`);
    return EXIT_USAGE;
  }
  if (outcome.result.summary.files === 0 && stdinText === undefined) {
    // A typo in CI `paths:` must not pass silently.
    io.stderr(`mllint: error: no YAML files to lint in ${paths.length ? paths.join(', ') : '.'} (check the paths and the ignore globs)\n`);
    return EXIT_USAGE;
  }
  if (options.writeBaseline !== undefined) {
    const written = writeBaselineFile(options.writeBaseline, outcome.result, { cwd: io.cwd });
    io.stderr(`mllint: ${written.message}\n`);
    return written.ok ? EXIT_OK : EXIT_USAGE;
  }
  let linted = outcome.result;
  if (options.baseline !== undefined) {
    const applied = applyBaselineFile(options.baseline, linted, { cwd: io.cwd });
    io.stderr(`mllint: ${applied.message}\n`);
    if (!applied.ok) return EXIT_USAGE;
    linted = applied.result;
  }
  const result = options.quiet ? onlyErrors(linted) : linted;
  const repoRoot = findRepositoryRoot(io.cwd, io.env);
  for (const request of formats.formats) {
    const formatter = await loadFormatter(request.name);
    if (!formatter) {
      io.stderr(`mllint: unknown format "${request.name}"\n`);
      return EXIT_USAGE;
    }
    const target = request.file ?? options.outputFile;
    const color = target === undefined && options.color && io.env.NO_COLOR === undefined && (io.isTTY || io.env.FORCE_COLOR !== undefined);
    // Every format sees repository text with control characters escaped; only github's own commands start with `::`.
    const normalized = normalizeReport(
      formatter(escapeResult(result), { color, cwd: io.cwd, env: io.env, version: VERSION, repoRoot, rules: allRules(outcome.config), junitFailOn: options.junitFailOn }),
    );
    const report = request.name === 'github' ? normalized.output : guardCommandLines(normalized.output);
    const files = normalized.files.map((f) => ({ ...f, content: guardCommandLines(f.content) }));
    const filesProblem = writeReportFiles(target === undefined ? files : [...files, { path: target, append: false, content: report }], io.cwd, repositoryRoots(io.cwd, io.env));
    if (filesProblem) {
      io.stderr(`mllint: ${filesProblem}\n`);
      return EXIT_USAGE;
    }
    if (target === undefined) io.stdout(report);
  }
  return exitCodeFor(result, options.maxWarnings);
}

export function exitCodeFor(result: LintResult, maxWarnings: number | undefined): number {
  if (result.summary.errors > 0) return EXIT_FINDINGS;
  if (maxWarnings !== undefined && result.summary.warnings > maxWarnings) return EXIT_FINDINGS;
  return EXIT_OK;
}

function onlyErrors(result: LintResult): LintResult {
  const findings = result.findings.filter((f) => f.severity === 'error');
  return { ...result, findings, summary: { ...result.summary, warnings: 0, infos: 0 } };
}
