/**
 * `mllint init`: a starter `.mllint.yaml` for the repository in the working directory — the namespaces
 * its manifests use, a proposed namespace → MLflow alias map, an MLflow section when MLFLOW_TRACKING_URI
 * is set, and node pools from a `kubectl get nodes -o yaml` file when `--nodes` names one. Comments say
 * what each part turns on. It never overwrites a file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { discoverFiles } from './loaders/files.js';
import { loadSources } from './loaders/load-sources.js';
import { objectsOf } from './engine/run.js';
import { displayUrl } from './sources/http.js';
import { CONFIG_SCHEMA } from './config/schema.js';

export type InitResult = { ok: true; file: string; text: string } | { ok: false; message: string };

/** The alias a namespace's name suggests: champion for production-like names, challenger for staging-like ones. */
function proposedAlias(namespace: string): string | undefined {
  if (/prod/i.test(namespace)) return 'champion';
  if (/stag|canary|preprod|qa/i.test(namespace)) return 'challenger';
  return undefined;
}

const q = (value: string) => JSON.stringify(value);

/** The starter config text for the manifests under `cwd` (pure apart from reading them). */
export function starterConfig(cwd: string, env: Record<string, string | undefined>, nodesFile?: string): string {
  const discovery = discoverFiles([], { cwd, ignorePatterns: [], ignoreBase: cwd });
  const objects = objectsOf(loadSources(discovery.files.map((f) => ({ display: f.display, absPath: f.absPath }))));
  // Only names Kubernetes accepts (RFC 1123 labels): a namespace from the repository with a newline would
  // otherwise leave its comment and write config lines of the repository's choosing.
  const namespaces = [...new Set(objects.map((o) => o.namespace).filter((n): n is string => typeof n === 'string' && /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(n)))].sort();
  const aliases = namespaces.map((n) => [n, proposedAlias(n)] as const).filter(([, a]) => a !== undefined);
  const lines = [
    `# yaml-language-server: $schema=${String(CONFIG_SCHEMA.$id)}`,
    '# mllint configuration, written by `mllint init`. Every rule runs at its recommended severity;',
    '# set one to off | info | warning | error under `rules:` (see `mllint rules`).',
    'extends: ["mllint:recommended"]',
    '',
    '# Model checks (model-version-matches-registry, memory-limit-fits-model, liveness-survives-model-load):',
    '# which MLflow alias each namespace must serve. Namespaces found in this repository:',
    `#   ${namespaces.length > 0 ? namespaces.join(', ') : '(none)'}`,
    'registry:',
    '  mlflow:',
  ];
  const uri = env.MLFLOW_TRACKING_URI && /^https?:\/\//i.test(env.MLFLOW_TRACKING_URI) ? displayUrl(env.MLFLOW_TRACKING_URI) : undefined;
  if (uri) lines.push(`    # From MLFLOW_TRACKING_URI; credentials stay in the environment (MLFLOW_TRACKING_TOKEN …).`, `    url: ${q(uri)}`);
  else lines.push('    # Point at MLflow with --mlflow-url, MLFLOW_TRACKING_URI, or:', '    # url: "https://mlflow.internal.example"');
  if (aliases.length > 0) lines.push(`    aliasByNamespace: { ${aliases.map(([n, a]) => `${q(n)}: ${a}`).join(', ')} }`);
  else lines.push('    aliasByNamespace: {}   # e.g. { "ml-serving-prod": champion }');
  lines.push('  # file: model-registry.yaml   # offline snapshot: mllint registry export > model-registry.yaml', '');
  lines.push('# Image checks against the registries (tags that do not exist): off until you turn them on.', 'registries:', '  check: false', '');
  if (nodesFile) {
    lines.push('# GPU pools and node selectors (tolerations-match-node-selector) from Node objects:', 'cluster:', `  nodesFile: ${q(nodesFile)}`, '');
  } else {
    lines.push('# Node pools (tolerations-match-node-selector): run `kubectl get nodes -o yaml > nodes.yaml`, then:', '# cluster:', '#   nodesFile: nodes.yaml', '');
  }
  return `${lines.join('\n')}`;
}

/** Writes `.mllint.yaml` in `cwd` unless a config file already exists there. */
export function runInit(cwd: string, env: Record<string, string | undefined>, nodesFile?: string): InitResult {
  const file = path.join(cwd, '.mllint.yaml');
  for (const name of ['.mllint.yaml', 'mllint.config.yaml', 'rules.config.yaml']) {
    if (fs.existsSync(path.join(cwd, name))) return { ok: false, message: `${name} already exists; mllint init never overwrites a config` };
  }
  if (nodesFile && !fs.existsSync(path.resolve(cwd, nodesFile))) return { ok: false, message: `nodes file ${nodesFile} not found` };
  const text = starterConfig(cwd, env, nodesFile);
  try {
    fs.writeFileSync(file, text, { flag: 'wx' });
  } catch (err) {
    return { ok: false, message: `cannot write .mllint.yaml (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  return { ok: true, file: '.mllint.yaml', text };
}
