/**
 * `mllint registry export`: a model registry snapshot (schemas/registry.schema.json) written from MLflow,
 * so a team can commit it and refresh it in CI; `--offline` runs then check against it.
 */
import type { ConfigFile } from '../config/load.js';
import type { RegistryModel } from '../engine/settings.js';
import { readPackageJson } from '../package-root.js';
import { DEFAULT_ONLINE_SECONDS, eachLimited, errorText, setupMlflow, versionEntry, type OnlineFacts } from './index.js';

export interface ExportOptions {
  config: ConfigFile;
  cwd: string;
  env: Record<string, string | undefined>;
  mlflowUrl?: string;
  /** Only these registered models (default: every model). */
  models?: string[];
}

export type ExportResult = { ok: true; text: string; models: number } | { ok: false; message: string };

/** Reads every (or the named) registered model with its aliases, stages and versions, within the budget. */
export async function exportRegistry(options: ExportOptions): Promise<ExportResult> {
  const seconds = options.config.onlineSeconds ?? DEFAULT_ONLINE_SECONDS;
  const facts: OnlineFacts = { warnings: [] };
  const mlflow = setupMlflow({ config: options.config, cwd: options.cwd, env: options.env, mlflowUrl: options.mlflowUrl }, Date.now() + seconds * 1000, facts);
  if (!mlflow) return { ok: false, message: 'no MLflow server configured: pass --mlflow-url, set MLFLOW_TRACKING_URI or registry.mlflow.url' };
  if (facts.warnings.length > 0) return { ok: false, message: facts.warnings[0].message };
  try {
    const found = await mlflow.client.searchModels(options.models);
    const missing = (options.models ?? []).filter((name) => !found.some((m) => m.name === name));
    if (missing.length > 0) return { ok: false, message: `MLflow at ${mlflow.shown} has no registered model ${missing.map((m) => `"${m}"`).join(', ')}` };
    const models: Record<string, RegistryModel> = {};
    await eachLimited(found, 4, async (model) => {
      const entry: RegistryModel = { stages: model.stages, aliases: model.aliases, versions: {} };
      const versions = await mlflow.client.searchVersions(model.name);
      versions.sort((a, b) => Number(a.version) - Number(b.version));
      for (const v of versions) entry.versions[v.version] = versionEntry(v, mlflow.tags);
      models[model.name] = entry;
    });
    return { ok: true, text: renderSnapshot(models, mlflow.shown), models: found.length };
  } catch (err) {
    return { ok: false, message: `MLflow registry at ${mlflow.shown} unreachable: ${errorText(err)}` };
  }
}

/** Strings as JSON strings: valid YAML double-quoted scalars, whatever they contain. */
const q = (value: string) => JSON.stringify(value);

function renderMap(map: Record<string, string>): string {
  const entries = Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const key = (k: string) => (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k) && !/^(y|yes|n|no|true|false|on|off|null)$/i.test(k) ? k : q(k));
  return `{ ${entries.map(([k, v]) => `${key(k)}: ${q(v)}`).join(', ')} }`;
}

/** The snapshot as YAML, models and versions in a stable order. */
export function renderSnapshot(models: Record<string, RegistryModel>, source: string): string {
  const lines = [
    `# yaml-language-server: $schema=${readPackageJson<{ $id: string }>('schemas', 'registry.schema.json').$id}`,
    `# Model registry snapshot written by \`mllint registry export\` from MLflow at ${source}.`,
    '# Refresh it with the same command; `mllint check --offline` checks against it.',
    'models:',
  ];
  const names = Object.keys(models).sort();
  if (names.length === 0) lines[lines.length - 1] = 'models: {}';
  for (const name of names) {
    const model = models[name];
    lines.push(`  ${q(name)}:`);
    if (Object.keys(model.aliases ?? {}).length > 0) lines.push(`    aliases: ${renderMap(model.aliases!)}`);
    if (Object.keys(model.stages).length > 0) lines.push(`    stages: ${renderMap(model.stages)}`);
    const versions = Object.keys(model.versions);
    if (versions.length === 0) continue;
    lines.push('    versions:');
    for (const version of versions) {
      const entry = model.versions[version];
      const fields: string[] = [];
      if (entry.footprint !== undefined) fields.push(`footprint: ${q(entry.footprint)}`);
      if (entry.loadSeconds !== undefined) fields.push(`loadSeconds: ${entry.loadSeconds}`);
      if (entry.image !== undefined) fields.push(`image: ${q(entry.image)}`);
      if (entry.source !== undefined) fields.push(`source: ${q(entry.source)}`);
      if (entry.runId !== undefined) fields.push(`runId: ${q(entry.runId)}`);
      lines.push(`      ${q(version)}: { ${fields.join(', ')} }`.replace('{  }', '{}'));
    }
  }
  return `${lines.join('\n')}\n`;
}
