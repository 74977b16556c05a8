/**
 * The real Distribution registry (Debian package `docker-registry`), started by tests on 127.0.0.1:
 * anonymous over HTTP, or with htpasswd Basic auth over TLS with a test CA. Images are pushed with the
 * registry's own HTTP API (blob uploads, then manifests and image indexes).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort } from './mlflow-server.js';

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** `docker-registry`, plus `htpasswd` and `openssl` for the TLS + Basic variant. */
export function findRegistry(): { ok: true; bin: string; htpasswd: string; openssl: string } | { ok: false; reason: string } {
  const bin = onPath('docker-registry') ?? (fs.existsSync('/usr/bin/docker-registry') ? '/usr/bin/docker-registry' : undefined);
  const htpasswd = onPath('htpasswd');
  const openssl = onPath('openssl');
  if (!bin || !htpasswd || !openssl) {
    return { ok: false, reason: `${[!bin && 'docker-registry', !htpasswd && 'htpasswd', !openssl && 'openssl'].filter(Boolean).join(', ')} (run .ci/run, or: apt-get install docker-registry apache2-utils openssl)` };
  }
  return { ok: true, bin, htpasswd, openssl };
}

export interface Registry {
  /** `127.0.0.1:PORT`, as written in image names. */
  host: string;
  base: string;
  /** PEM of the CA that signed the TLS certificate (TLS variant). */
  ca?: string;
  caFile?: string;
  /** Pushes a one-layer image; returns the manifest digest. */
  pushImage(repository: string, tag: string, seed: string): Promise<string>;
  /** Pushes an image index over the given manifests; returns its digest. */
  pushIndex(repository: string, tag: string, manifests: string[]): Promise<string>;
  /** Points `tag` at the existing image manifest `digest` (the same digest under another tag); returns it. */
  retag(repository: string, digest: string, tag: string): Promise<string>;
  stop(): Promise<void>;
}

export const REGISTRY_USER = { username: 'ci-bot', password: 'registry-secret-42' };

export async function startRegistry(tool: { bin: string; htpasswd: string; openssl: string }, options: { tlsBasic?: boolean } = {}): Promise<Registry> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const lines = ['version: 0.1', 'log: { level: error }', 'storage:', `  filesystem: { rootdirectory: ${path.join(dir, 'data')} }`, 'http:', `  addr: ${host}`];
  let ca: string | undefined;
  let caFile: string | undefined;
  if (options.tlsBasic) {
    const run = (args: string[]) => {
      const r = spawnSync(tool.openssl, args, { cwd: dir, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr}`);
    };
    run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=mllint test CA']);
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
    fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext']);
    const pw = spawnSync(tool.htpasswd, ['-Bbn', REGISTRY_USER.username, REGISTRY_USER.password], { encoding: 'utf8' });
    if (pw.status !== 0) throw new Error(`htpasswd: ${pw.stderr}`);
    fs.writeFileSync(path.join(dir, 'htpasswd'), pw.stdout);
    lines.push(`  tls: { certificate: ${path.join(dir, 'server.pem')}, key: ${path.join(dir, 'server.key')} }`);
    lines.push('auth:', `  htpasswd: { realm: mllint-test, path: ${path.join(dir, 'htpasswd')} }`);
    caFile = path.join(dir, 'ca.pem');
    ca = fs.readFileSync(caFile, 'utf8');
  }
  fs.writeFileSync(path.join(dir, 'config.yml'), `${lines.join('\n')}\n`);
  const log = fs.openSync(path.join(dir, 'registry.log'), 'w');
  const child: ChildProcess = spawn(tool.bin, ['serve', path.join(dir, 'config.yml')], { cwd: dir, stdio: ['ignore', log, log], detached: true });
  const base = `${options.tlsBasic ? 'https' : 'http'}://${host}`;
  const auth = options.tlsBasic ? `Basic ${Buffer.from(`${REGISTRY_USER.username}:${REGISTRY_USER.password}`).toString('base64')}` : undefined;

  const call = (method: string, target: string, body?: Buffer, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const url = new URL(target, base);
      const lib = url.protocol === 'https:' ? https : http;
      const req = lib.request(url, { method, headers: { ...(auth ? { authorization: auth } : {}), ...(body ? { 'content-length': String(body.length) } : {}), ...headers }, ...(ca ? { ca } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      if (body) req.write(body);
      req.end();
    });

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    fs.closeSync(log);
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) {
      const text = fs.readFileSync(path.join(dir, 'registry.log'), 'utf8');
      await stop();
      throw new Error(`docker-registry exited (${child.exitCode}): ${text.slice(-1500)}`);
    }
    try {
      const res = await call('GET', '/v2/');
      if (res.status === 200 || res.status === 401) break;
    } catch {
      /* not yet */
    }
    if (Date.now() - started > 30_000) {
      await stop();
      throw new Error('docker-registry did not start within 30 s');
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  const sha = (data: Buffer) => `sha256:${crypto.createHash('sha256').update(data).digest('hex')}`;
  const pushBlob = async (repository: string, data: Buffer): Promise<string> => {
    const digest = sha(data);
    const start = await call('POST', `/v2/${repository}/blobs/uploads/`);
    if (start.status !== 202) throw new Error(`blob upload start: HTTP ${start.status} ${start.body}`);
    const location = new URL(String(start.headers.location), base);
    location.searchParams.set('digest', digest);
    const put = await call('PUT', location.toString(), data, { 'content-type': 'application/octet-stream' });
    if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status} ${put.body}`);
    return digest;
  };
  const putManifest = async (repository: string, tag: string, mediaType: string, manifest: object): Promise<string> => {
    const body = Buffer.from(JSON.stringify(manifest));
    const res = await call('PUT', `/v2/${repository}/manifests/${tag}`, body, { 'content-type': mediaType });
    if (res.status !== 201) throw new Error(`manifest ${repository}:${tag}: HTTP ${res.status} ${res.body}`);
    return String(res.headers['docker-content-digest'] ?? sha(body));
  };

  return {
    host,
    base,
    ca,
    caFile,
    stop,
    async pushImage(repository, tag, seed) {
      const layer = Buffer.from(`layer of ${repository}:${tag} ${seed}`);
      const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: { seed } }, rootfs: { type: 'layers', diff_ids: [sha(layer)] } }));
      const layerDigest = await pushBlob(repository, layer);
      const configDigest = await pushBlob(repository, config);
      const mediaType = 'application/vnd.oci.image.manifest.v1+json';
      return putManifest(repository, tag, mediaType, {
        schemaVersion: 2,
        mediaType,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layer.length }],
      });
    },
    async retag(repository, digest, tag) {
      const mediaType = 'application/vnd.oci.image.manifest.v1+json';
      const got = await call('GET', `/v2/${repository}/manifests/${digest}`, undefined, { accept: mediaType });
      if (got.status !== 200) throw new Error(`manifest ${repository}@${digest}: HTTP ${got.status}`);
      const res = await call('PUT', `/v2/${repository}/manifests/${tag}`, Buffer.from(got.body), { 'content-type': mediaType });
      if (res.status !== 201) throw new Error(`retag ${repository}:${tag}: HTTP ${res.status} ${res.body}`);
      return String(res.headers['docker-content-digest']);
    },
    async pushIndex(repository, tag, manifests) {
      const mediaType = 'application/vnd.oci.image.index.v1+json';
      const entries = [];
      for (const [i, digest] of manifests.entries()) {
        const got = await call('GET', `/v2/${repository}/manifests/${digest}`, undefined, { accept: 'application/vnd.oci.image.manifest.v1+json' });
        entries.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: Buffer.byteLength(got.body), platform: { architecture: i === 0 ? 'amd64' : 'arm64', os: 'linux' } });
      }
      return putManifest(repository, tag, mediaType, { schemaVersion: 2, mediaType, manifests: entries });
    },
  };
}
