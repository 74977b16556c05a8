/**
 * Image registries over the OCI distribution API (https://github.com/opencontainers/distribution-spec,
 * "Checking if content exists in the registry"): `HEAD /v2/<name>/manifests/<reference>` with the
 * image index / manifest list and manifest media types in `Accept`, the digest from
 * `Docker-Content-Digest`. Authentication as the Docker client does it: anonymous first, then the
 * challenge in `WWW-Authenticate` — `Basic` with the credentials of `~/.docker/config.json`
 * (or `$DOCKER_CONFIG/config.json`), or `Bearer` with a token from the challenge's realm
 * (https://distribution.github.io/distribution/spec/auth/token/), itself fetched with those credentials
 * when there are some. Credential helpers (`credsStore`, `credHelpers`) are programs, and mllint runs no
 * program for this: such registries are queried anonymously.
 *
 * Docker Hub names are normalised as Docker does (`nginx` → `registry-1.docker.io/library/nginx`).
 * Every registry is spoken to over HTTPS; loopback registries (`localhost`, `127.0.0.0/8`, `[::1]`) fall back
 * to plain HTTP when they do not speak TLS, like Docker's default insecure registries.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LoadedObject } from '../types.js';
import type { ImageFact } from '../engine/settings.js';
import { DEFAULT_WORKLOAD_KINDS, podTemplatesOf, WorkloadKinds } from '../engine/extract.js';
import type { WorkloadKindDef } from '../knowledge/workload-kinds.js';
import { OnlineError, request, type HttpAnswer } from './http.js';

/** Media types a registry may answer a tag with: index and manifest list first (multi-platform images). */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** The media types of a multi-platform image (an index of per-platform manifests). */
const INDEX_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];

const DOCKER_HUB = 'registry-1.docker.io';

/** An image reference, normalised: registry host, repository inside it, tag and/or digest. */
export interface ImageName {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/**
 * `nginx:1.25` → registry-1.docker.io, library/nginx, 1.25; `ghcr.io/org/x@sha256:…`; `localhost:5000/x`.
 * Undefined for what is not an image reference (templating left in, spaces, empty).
 */
export function parseImageName(image: string): ImageName | undefined {
  const text = image.trim();
  if (text === '' || /[\s{}$]/.test(text)) return undefined;
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  }
  const slash = rest.indexOf('/');
  const first = slash === -1 ? '' : rest.slice(0, slash);
  let registry: string;
  let repository: string;
  if (slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first;
    repository = rest.slice(slash + 1);
  } else {
    registry = DOCKER_HUB;
    repository = slash === -1 ? `library/${rest}` : rest;
  }
  if (registry === 'docker.io' || registry === 'index.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repository)) return undefined;
  return { registry, repository, tag: tag ?? (digest ? undefined : 'latest'), digest };
}

function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/** `https://host`: where a registry is asked first. */
export function registryBase(registry: string): string {
  return `https://${registry}`;
}

export interface RegistryCredentials {
  username: string;
  password: string;
}

/** Where registry credentials came from, for messages (never the credentials themselves). */
export type CredentialOrigin = 'DOCKER_AUTH_CONFIG' | 'the Docker config';

export interface DockerCredentials {
  byHost: Map<string, RegistryCredentials & { origin: CredentialOrigin }>;
  /** Problems with the sources of credentials (e.g. DOCKER_AUTH_CONFIG that is not JSON), safe to print. */
  problems: string[];
}

/**
 * Credentials per registry host, as the Docker client and GitLab CI take them:
 *
 * 1. `DOCKER_AUTH_CONFIG` in the environment: the text of a Docker `config.json` (`{"auths": {…}}`), the
 *    convention of GitLab CI/CD (https://docs.gitlab.com/ci/docker/using_docker_images/#access-an-image-from-a-private-container-registry),
 *    where it takes precedence over the runner's config file. Usable from any CI as a masked secret.
 * 2. `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`.
 *
 * Each `auths.<host>` entry has `auth` (base64 `user:password`) or `username` + `password`; Docker Hub's key
 * is `https://index.docker.io/v1/`. A missing or unreadable file is no credentials; a `DOCKER_AUTH_CONFIG`
 * that is not such JSON is a problem (reported without its content) and no credentials.
 */
export function dockerCredentials(env: Record<string, string | undefined>): DockerCredentials {
  const out: DockerCredentials = { byHost: new Map(), problems: [] };
  const dir = env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), '.docker');
  try {
    const file = path.join(dir, 'config.json');
    const stat = fs.statSync(file);
    if (stat.isFile() && stat.size <= 1024 * 1024) addAuths(out, JSON.parse(fs.readFileSync(file, 'utf8')), 'the Docker config');
  } catch {
    // no readable Docker config: no credentials from it
  }
  const fromEnv = env.DOCKER_AUTH_CONFIG;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fromEnv);
    } catch {
      parsed = undefined;
    }
    const auths = (parsed as { auths?: unknown } | undefined)?.auths;
    if (typeof auths !== 'object' || auths === null || Array.isArray(auths)) out.problems.push('DOCKER_AUTH_CONFIG is not a Docker config JSON ({"auths": {…}}); it was ignored');
    else addAuths(out, parsed, 'DOCKER_AUTH_CONFIG');
  }
  return out;
}

function addAuths(out: DockerCredentials, parsed: unknown, origin: CredentialOrigin): void {
  const auths = (parsed as { auths?: unknown } | undefined)?.auths;
  if (typeof auths !== 'object' || auths === null) return;
  for (const [key, value] of Object.entries(auths as Record<string, unknown>)) {
    if (typeof value !== 'object' || value === null) continue;
    const entry = value as { auth?: unknown; username?: unknown; password?: unknown };
    let username: string | undefined;
    let password: string | undefined;
    if (typeof entry.auth === 'string' && entry.auth !== '') {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        username = decoded.slice(0, colon);
        password = decoded.slice(colon + 1);
      }
    } else if (typeof entry.username === 'string' && typeof entry.password === 'string') {
      username = entry.username;
      password = entry.password;
    }
    if (username === undefined || password === undefined) continue;
    let host = key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    if (host === 'index.docker.io' || host === 'docker.io') host = DOCKER_HUB;
    out.byHost.set(host, { username, password, origin });
  }
}

/** A challenge from `WWW-Authenticate`: scheme and parameters. */
export function parseChallenge(header: string | string[] | undefined): { scheme: string; params: Record<string, string> } | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  if (!text) return undefined;
  const match = /^\s*(\w+)\s*(.*)$/.exec(text);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const re = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(match[2])) !== null) params[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
  return { scheme: match[1].toLowerCase(), params };
}

/** One registry host: its auth state and the answers of this run. */
class RegistryClient {
  base: string;
  private authorization: string | undefined;
  private readonly cache = new Map<string, Promise<ImageFact>>();

  constructor(
    readonly host: string,
    private readonly credentials: (RegistryCredentials & { origin: CredentialOrigin }) | undefined,
    private readonly options: { ca?: string; deadline: number },
  ) {
    this.base = registryBase(host);
  }

  /** What the registry says about `repository:reference`; rejects with an `OnlineError` for the registry's failures. */
  resolve(repository: string, reference: string): Promise<ImageFact> {
    const key = `${repository}@${reference}`;
    let fact = this.cache.get(key);
    if (!fact) {
      fact = this.head(repository, reference);
      this.cache.set(key, fact);
    }
    return fact;
  }

  private async head(repository: string, reference: string): Promise<ImageFact> {
    const url = `${this.base}/v2/${repository}/manifests/${encodeURIComponent(reference)}`;
    let answer = await this.send(url);
    if (answer.status === 401) {
      await this.authenticate(answer, repository);
      answer = await this.send(url);
    }
    if (answer.status === 200) {
      const digest = header(answer, 'docker-content-digest');
      const type = header(answer, 'content-type')?.split(';')[0].trim().toLowerCase();
      // A login page or another service answering 200 is not the registry saying the image exists.
      if (type && !type.startsWith('application/vnd.') && !type.startsWith('application/json')) {
        throw new OnlineError(`answered a manifest request with ${type.slice(0, 40)}, not an image manifest: is this an OCI registry?`, 'malformed');
      }
      return {
        registry: this.base,
        found: true,
        ...(digest && /^sha256:[a-f0-9]{64}$/.test(digest) ? { digest } : {}),
        ...(type && MANIFEST_ACCEPT.includes(type) ? { index: INDEX_TYPES.includes(type) } : {}),
      };
    }
    if (answer.status === 404) return { registry: this.base, found: false };
    if (answer.status === 401 || answer.status === 403) {
      throw new OnlineError(`HTTP ${answer.status} ${answer.status === 401 ? 'unauthorized' : 'forbidden'}${this.credentials ? ` with the credentials of ${this.credentials.origin}` : ' (no credentials for it in DOCKER_AUTH_CONFIG or the Docker config)'}`, 'auth', answer.status);
    }
    throw new OnlineError(`HTTP ${answer.status} for a manifest`, 'http', answer.status);
  }

  private async send(url: string, extra: Record<string, string> = {}): Promise<HttpAnswer> {
    const headers: Record<string, string> = { accept: MANIFEST_ACCEPT, ...extra };
    if (this.authorization) headers.authorization = this.authorization;
    try {
      return await request(url, { method: 'HEAD', headers, ca: this.options.ca, deadline: this.options.deadline });
    } catch (err) {
      // A loopback registry that answers TLS with plain HTTP (EPROTO): ask it over HTTP, as Docker does.
      if (err instanceof OnlineError && err.message === 'EPROTO' && url.startsWith('https://') && isLoopback(this.host)) {
        this.base = `http://${this.host}`;
        return request(`http://${url.slice('https://'.length)}`, { method: 'HEAD', headers, deadline: this.options.deadline });
      }
      throw err;
    }
  }

  /** Answers a 401's challenge: Basic with the Docker config's credentials, or a Bearer token from the realm. */
  private async authenticate(answer: HttpAnswer, repository: string): Promise<void> {
    const challenge = parseChallenge(answer.headers['www-authenticate']);
    const basic = this.credentials ? `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}` : undefined;
    if (challenge?.scheme === 'basic') {
      this.authorization = basic;
      return;
    }
    if (challenge?.scheme !== 'bearer' || !challenge.params.realm) return;
    let realm: URL;
    try {
      realm = new URL(challenge.params.realm);
    } catch {
      throw new OnlineError('the registry\'s token realm is not a URL', 'malformed');
    }
    if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && isLoopback(realm.host))) {
      throw new OnlineError('the registry\'s token realm is not HTTPS', 'malformed');
    }
    if (challenge.params.service) realm.searchParams.set('service', challenge.params.service);
    realm.searchParams.set('scope', challenge.params.scope ?? `repository:${repository}:pull`);
    const tokenAnswer = await request(realm, { method: 'GET', headers: basic ? { authorization: basic } : {}, ca: this.options.ca, deadline: this.options.deadline });
    if (tokenAnswer.status === 401 || tokenAnswer.status === 403) {
      throw new OnlineError(`the token service refused ${basic ? `the credentials of ${this.credentials!.origin}` : 'anonymous access'} (HTTP ${tokenAnswer.status})`, 'auth', tokenAnswer.status);
    }
    if (tokenAnswer.status !== 200) throw new OnlineError(`the token service answered HTTP ${tokenAnswer.status}`, 'http', tokenAnswer.status);
    let token: unknown;
    try {
      const body = JSON.parse(tokenAnswer.body) as { token?: unknown; access_token?: unknown };
      token = body.token ?? body.access_token;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || token === '') throw new OnlineError('the token service answered without a token', 'malformed');
    this.authorization = `Bearer ${token}`;
  }
}

function header(answer: HttpAnswer, name: string): string | undefined {
  const value = answer.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Every image string of every container of every workload, as written. */
export function imagesOf(objects: readonly LoadedObject[], workloadKinds?: readonly WorkloadKindDef[]): Set<string> {
  const kinds = workloadKinds && workloadKinds.length > 0 ? new WorkloadKinds(workloadKinds) : DEFAULT_WORKLOAD_KINDS;
  const images = new Set<string>();
  for (const object of objects) {
    for (const template of podTemplatesOf(object.object, kinds)) {
      for (const ref of template.containers) if (typeof ref.container.image === 'string') images.add(ref.container.image);
    }
  }
  return images;
}

export interface ImageResolution {
  images: Record<string, ImageFact>;
  /** One message per registry that failed. */
  warnings: string[];
}

/**
 * Resolves each image (by tag; also by digest when both are written) with its registry. A registry that
 * fails gives one warning and no facts for its images; the others are still resolved.
 */
export async function resolveImages(images: Iterable<string>, options: { env: Record<string, string | undefined>; ca?: string; deadline: number }): Promise<ImageResolution> {
  const credentials = dockerCredentials(options.env);
  const clients = new Map<string, RegistryClient>();
  const failed = new Map<string, string>();
  const out: Record<string, ImageFact> = {};
  const jobs: Array<Promise<void>> = [];
  for (const image of images) {
    const name = parseImageName(image);
    if (!name) continue;
    let client = clients.get(name.registry);
    if (!client) clients.set(name.registry, (client = new RegistryClient(name.registry, credentials.byHost.get(name.registry), options)));
    const registryClient = client;
    jobs.push(
      (async () => {
        try {
          if (failed.has(name.registry)) return;
          const fact = await registryClient.resolve(name.repository, name.tag ?? name.digest!);
          if (name.tag && name.digest && fact.found) {
            // `repo:tag@digest`: the kubelet pulls the digest; whether it still exists matters too.
            const pinned = await registryClient.resolve(name.repository, name.digest);
            out[image] = { ...fact, pinnedFound: pinned.found, ...(pinned.index !== undefined ? { pinnedIndex: pinned.index } : {}) };
          } else out[image] = fact;
        } catch (err) {
          if (!failed.has(name.registry)) failed.set(name.registry, err instanceof OnlineError ? err.message : 'unexpected failure');
        }
      })(),
    );
  }
  await Promise.all(jobs);
  for (const image of Object.keys(out)) {
    const name = parseImageName(image);
    if (name && failed.has(name.registry)) delete out[image];
  }
  const warnings = [
    ...credentials.problems.map((problem) => `image registries: ${problem}`),
    ...[...failed.entries()].map(([registry, message]) => `image registry at ${clients.get(registry)?.base ?? registryBase(registry)} unreachable: ${message}; image checks skipped for its images`),
  ];
  return { images: out, warnings };
}
