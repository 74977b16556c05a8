/**
 * Objects a kustomization's `helmCharts:` inflated carry no `# Source:` (kustomize drops it). To place
 * their findings, the same chart is rendered once more here, as kustomize runs it (the entry's
 * `releaseName`, `namespace`, `valuesFile`, `additionalValuesFiles`, then `valuesInline` on top), and the
 * object of the same kind and name is located through its template and values (see helm.ts): a value
 * from `valuesInline` points into the kustomization, one from a values file at that file's line.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { K8sObject, Path } from '../types.js';
import { isPlainObject } from '../loaders/objects.js';
import { locatePath, prepareLocate } from '../loaders/locate.js';
import { parseYamlDocuments } from '../loaders/yaml.js';
import { toDisplayPath } from '../loaders/files.js';
import type { RelocatedPosition, SourceInput } from '../loaders/source.js';
import { readChart, renderChart, type HelmOptions, type RenderedObject } from './helm.js';
import { readText, valuesFileLayer, type ValuesLayer } from './values.js';

type Locate = (kustomizationFile: string, generator: string, rendered: K8sObject, p: Path) => RelocatedPosition | undefined;

/** The `locateGenerated` hook of the kustomize stage for HelmChartInflationGenerator objects. */
export function kustomizeHelmLocator(options: HelmOptions): Locate {
  const cache = new Map<string, Array<{ source: SourceInput; objects: RenderedObject[] }>>();
  return (kustomizationFile, generator, rendered, p) => {
    if (generator !== 'HelmChartInflationGenerator') return undefined;
    let renders = cache.get(kustomizationFile);
    if (!renders) {
      renders = renderCharts(kustomizationFile, options);
      cache.set(kustomizationFile, renders);
    }
    const name = nameOf(rendered);
    for (const r of renders) {
      const index = r.objects.findIndex((o) => o.object.kind === rendered.kind && nameOf(o.object) !== '' && (nameOf(o.object) === name || name.includes(nameOf(o.object))));
      if (index !== -1 && r.source.relocate) return r.source.relocate(index, p);
    }
    return undefined;
  };
}

function nameOf(o: K8sObject): string {
  return typeof o.metadata?.name === 'string' ? o.metadata.name : '';
}

function renderCharts(file: string, options: HelmOptions): Array<{ source: SourceInput; objects: RenderedObject[] }> {
  const read = readText(file, options.roots);
  if (!read.ok) return [];
  const text = read.text;
  const value = parseYamlDocuments(text)[0]?.value;
  if (!isPlainObject(value) || !Array.isArray(value.helmCharts)) return [];
  const located = prepareLocate(text);
  const dir = path.dirname(file);
  const globals = isPlainObject(value.helmGlobals) ? value.helmGlobals : {};
  const chartHome = path.resolve(dir, typeof globals.chartHome === 'string' ? globals.chartHome : 'charts');
  const where = (p: Path): RelocatedPosition => ({ display: toDisplayPath(options.cwd, file), absPath: file, position: locatePath(located, 0, p) });
  const out: Array<{ source: SourceInput; objects: RenderedObject[] }> = [];
  value.helmCharts.forEach((entry, i) => {
    if (!isPlainObject(entry) || typeof entry.name !== 'string') return;
    const version = typeof entry.version === 'string' ? entry.version : undefined;
    const chartDir = [...(version ? [path.join(chartHome, `${entry.name}-${version}`, entry.name)] : []), path.join(chartHome, entry.name)].find((d) => fs.existsSync(path.join(d, 'Chart.yaml')));
    const chart = chartDir ? readChart(chartDir, options.roots) : undefined;
    if (!chart) return;
    const layers: ValuesLayer[] = [];
    const files = [entry.valuesFile, ...(Array.isArray(entry.additionalValuesFiles) ? entry.additionalValuesFiles : [])].filter((f): f is string => typeof f === 'string' && f !== '');
    for (const f of files) {
      const read = valuesFileLayer(path.resolve(dir, f), options.roots);
      if (read.ok) layers.push(read.layer);
    }
    if (isPlainObject(entry.valuesInline)) {
      layers.push({ values: entry.valuesInline, file: '', docIndex: 0, at: [], locate: (inner) => where(['helmCharts', i, 'valuesInline', ...inner]) });
    }
    const rendered = renderChart(
      {
        chart,
        releaseName: typeof entry.releaseName === 'string' ? entry.releaseName : 'release-name',
        namespace: typeof entry.namespace === 'string' ? entry.namespace : undefined,
        layers,
        sets: [],
        reportAt: { file, line: where(['helmCharts', i]).position.line },
      },
      options,
    );
    if (rendered.ok) out.push({ source: rendered.source, objects: rendered.objects });
  });
  return out;
}
