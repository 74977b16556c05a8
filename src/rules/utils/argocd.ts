/**
 * Reading an Argo CD `Application` (argoproj.io/v1alpha1) as the Application checks need it: its sources,
 * destination, sync policy, and whether a revision names something that does not move.
 * Source: argo-cd.readthedocs.io "Application Specification" (`spec.source`/`spec.sources`,
 * `destination.{server,name,namespace}`, `syncPolicy.automated.{prune,selfHeal,enabled}`,
 * `syncPolicy.syncOptions`), "Tracking and Deployment Strategies" (a tag or commit SHA pins the
 * revision; HEAD or a branch follows every new commit; a Helm chart version may be a semver range).
 */
import { isPlainObject } from '../../loaders/objects.js';
import { globMatch } from '../../config/safe-match.js';
import type { LoadedObject, PathSegment } from '../../types.js';

export interface ApplicationSource {
  source: Record<string, unknown>;
  /** Path of the source in the Application (`['spec','source']` or `['spec','sources',i]`). */
  at: PathSegment[];
}

export interface Destination {
  namespace?: string;
  /** `destination.name` (a cluster name registered in Argo CD). */
  name?: string;
  /** `destination.server` (the cluster's API URL). */
  server?: string;
}

/** An Argo CD Application (not a Kustomization or another group's `Application`). */
export function isArgoApplication(object: LoadedObject): boolean {
  return object.kind === 'Application' && object.apiVersion.startsWith('argoproj.io/');
}

/** `spec.source` and each of `spec.sources`, with their paths. */
export function applicationSources(object: LoadedObject): ApplicationSource[] {
  const spec = object.object.spec;
  if (!isPlainObject(spec)) return [];
  const out: ApplicationSource[] = [];
  if (isPlainObject(spec.source)) out.push({ source: spec.source, at: ['spec', 'source'] });
  if (Array.isArray(spec.sources)) spec.sources.forEach((s, i) => isPlainObject(s) && out.push({ source: s, at: ['spec', 'sources', i] }));
  return out;
}

export function destinationOf(object: LoadedObject): Destination {
  const spec = object.object.spec;
  const d = isPlainObject(spec) && isPlainObject(spec.destination) ? spec.destination : {};
  const s = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  return { namespace: s(d.namespace), name: s(d.name), server: s(d.server) };
}

/** `syncPolicy.syncOptions` entries (`CreateNamespace=true`, …). */
export function syncOptionsOf(object: LoadedObject): string[] {
  const spec = object.object.spec;
  const policy = isPlainObject(spec) && isPlainObject(spec.syncPolicy) ? spec.syncPolicy : {};
  return Array.isArray(policy.syncOptions) ? policy.syncOptions.filter((o): o is string => typeof o === 'string').map((o) => o.trim()) : [];
}

/** A string still holding an unexpanded template (`{{ … }}` of an ApplicationSet or Helm): not judged. */
export function isTemplated(value: string | undefined): boolean {
  return value !== undefined && value.includes('{{');
}

/**
 * A Git revision that does not move: a commit SHA (7 to 40 hex digits), a version tag (`v1.2.3`,
 * `1.4`, `2.0.0-rc.1`) or a `refs/tags/…` ref. HEAD, an empty revision and anything else (a branch,
 * or a tag with another naming scheme) are not.
 */
export function isPinnedRevision(revision: string | undefined): boolean {
  if (!revision) return false;
  return /^[0-9a-f]{7,40}$/i.test(revision) || /^v?\d+\.\d+(\.\d+)?([-+][\w.-]+)?$/.test(revision) || /^refs\/tags\//.test(revision);
}

/** A Helm chart version that names one release (`1.2.3`, `v1.2.3-rc.1`), not a range (`1.2.*`, `^1.2`, `>=1.0`). */
export function isExactChartVersion(version: string | undefined): boolean {
  return version !== undefined && /^v?\d+\.\d+\.\d+([-+][\w.-]+)?$/.test(version);
}

/**
 * Whether the destination matches the globs: `namespaces` against `destination.namespace`, `clusters`
 * against `destination.name` and the host of `destination.server`. Returns what matched, for messages.
 */
export function matchDestination(dest: Destination, namespaces: readonly string[], clusters: readonly string[]): string | undefined {
  if (dest.namespace && namespaces.some((g) => globMatch(dest.namespace!, g))) return `namespace ${dest.namespace}`;
  if (dest.name && clusters.some((g) => globMatch(dest.name!, g))) return `cluster ${dest.name}`;
  if (dest.server) {
    const host = /^[a-z][a-z0-9+.-]*:\/\/([^/:]+)/i.exec(dest.server)?.[1] ?? dest.server;
    if (clusters.some((g) => globMatch(host, g) || globMatch(dest.server!, g))) return `cluster ${dest.server}`;
  }
  return undefined;
}

/** What counts as production when nothing is configured: names that say so, alone or as a dash-separated part. */
export const DEFAULT_PRODUCTION = ['prod', 'production', 'prd', 'prod-*', 'production-*', 'prd-*', '*-prod', '*-production', '*-prd', '*-prod-*', '*-production-*', '*-prd-*', 'prod.*', '*.prod.*'];
