/**
 * The one HTTP client of the online sources (MLflow, OCI registries), on `node:http`/`node:https`:
 * every request ends by the run's deadline, answers are capped in size, redirects are not followed
 * (a redirect could carry credentials to another host), and errors are short sentences that never
 * contain a credential (URLs are shown without user info or query).
 *
 * Why not `fetch`: Node 20's global fetch cannot take a custom CA per request without importing undici,
 * and its abort errors say little; `node:https` takes `ca` directly and honours NODE_EXTRA_CA_CERTS.
 */
import type dns from 'node:dns';
import type http from 'node:http';
import type net from 'node:net';
import { createRequire } from 'node:module';

// The network modules load on the first request or address check: most runs make none, and loading
// node:http, node:https and node:tls took about 10 ms of every cold start.
const nodeRequire = createRequire(import.meta.url);
const builtin = <T>(id: string): (() => T) => {
  let module: T | undefined;
  return () => (module ??= nodeRequire(id) as T);
};
const dnsModule = builtin<typeof import('node:dns')>('node:dns');
const httpModule = builtin<typeof import('node:http')>('node:http');
const httpsModule = builtin<typeof import('node:https')>('node:https');
const netModule = builtin<typeof import('node:net')>('node:net');
const tlsModule = builtin<typeof import('node:tls')>('node:tls');

/** Answers larger than this are refused (bytes); registry answers are a few kilobytes. */
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpRequest {
  method?: 'GET' | 'HEAD' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Extra trusted CA certificates (PEM), added to Node's roots (and NODE_EXTRA_CA_CERTS). */
  ca?: string;
  /** Absolute time (ms since epoch) by which the request must end. */
  deadline: number;
}

/** A failure of an online request, with a message that is safe to print. */
export class OnlineError extends Error {
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'timeout' | 'tls' | 'auth' | 'http' | 'malformed',
    readonly status?: number,
  ) {
    super(message);
  }
}

/** `https://user:secret@host:5000/path?token=x` → `https://host:5000/path`: what messages may show. */
export function displayUrl(url: string | URL): string {
  try {
    const u = new URL(String(url));
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * True for link-local addresses (IPv4 169.254.0.0/16, IPv6 fe80::/10, and IPv4-mapped forms): where
 * cloud providers serve instance metadata and credentials (169.254.169.254, fd00:ec2::254 aside). With
 * `--check-images` the image hosts come from the manifests, i.e. from the pull request, so a manifest
 * could otherwise make a CI job ask the metadata service. No registry or MLflow server lives there.
 */
export function isLinkLocal(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = mapped ? mapped[1]! : address;
  if (netModule().isIPv4(ip)) return ip.startsWith('169.254.');
  if (netModule().isIPv6(ip)) return /^fe[89ab][0-9a-f]:/i.test(ip) || /^fd00:ec2::254$/i.test(ip);
  return false;
}

/** dns.lookup that refuses link-local answers (see `isLinkLocal`), so a host name cannot reach them either. */
const guardedLookup: net.LookupFunction = (hostname, options, callback) => {
  dnsModule().lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const list = addresses as dns.LookupAddress[];
    const refused = list.find((a) => isLinkLocal(a.address));
    if (refused) {
      const error = Object.assign(new Error('link-local address refused'), { code: 'ELINKLOCAL' });
      return callback(error, '', 0);
    }
    if ((options as dns.LookupOptions).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
    const first = list[0];
    if (!first) return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), '', 0);
    callback(null, first.address, first.family);
  });
};

/** Counts the connections opened by this module (tests verify `--offline` opens none). */
export const connectionCounter = { opened: 0 };

/**
 * One request. Resolves with any HTTP status (the caller decides what a 404 means); rejects with an
 * `OnlineError` for network, TLS, time and size failures.
 */
export function request(url: string | URL, options: HttpRequest): Promise<HttpAnswer> {
  const target = new URL(String(url));
  const remaining = options.deadline - Date.now();
  if (remaining <= 0) return Promise.reject(new OnlineError('no time left (timeouts.onlineSeconds)', 'timeout'));
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return Promise.reject(new OnlineError(`unsupported URL scheme "${target.protocol}"`, 'unreachable'));
  }
  const client = target.protocol === 'https:' ? httpsModule() : httpModule();
  if (isLinkLocal(target.hostname.replace(/^\[|\]$/g, ''))) {
    return Promise.reject(new OnlineError('link-local address refused (where cloud metadata lives; no registry is there)', 'unreachable'));
  }
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    const fail = (error: OnlineError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(error);
    };
    const req = client.request(
      {
        protocol: target.protocol,
        hostname: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port || undefined,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        // A body goes with its length: WSGI servers (MLflow's) do not read chunked request bodies.
        headers: { 'user-agent': 'mllint', ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}), ...(options.headers ?? {}) },
        agent: false,
        lookup: guardedLookup,
        ...(target.protocol === 'https:' && options.ca ? { ca: [...tlsModule().rootCertificates, options.ca] } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) fail(new OnlineError(`answered more than ${MAX_ANSWER_BYTES} bytes`, 'malformed'));
          else chunks.push(chunk);
        });
        res.on('error', (err) => fail(new OnlineError(describeNetworkError(err), 'unreachable')));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    req.on('socket', () => connectionCounter.opened++);
    const timer = setTimeout(() => fail(new OnlineError('did not answer in time (timeouts.onlineSeconds)', 'timeout')), remaining);
    req.on('error', (err: NodeJS.ErrnoException) => {
      const isTls = /CERT|SSL|TLS|self[- ]signed|certificate/i.test(`${err.code ?? ''} ${err.message}`);
      fail(new OnlineError(describeNetworkError(err), isTls ? 'tls' : 'unreachable'));
    });
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** A network error in a few words, without host names that could hide user info. */
function describeNetworkError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ELINKLOCAL':
      return 'link-local address refused (where cloud metadata lives; no registry is there)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'ECONNRESET':
      return 'connection reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `TLS certificate not trusted (${err.code}; set NODE_EXTRA_CA_CERTS or the config's caFile)`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'TLS certificate does not match the host name';
    case 'CERT_HAS_EXPIRED':
      return 'TLS certificate expired';
    default:
      return err.code ? `${err.code}` : 'request failed';
  }
}

/** Parses a JSON answer body; a body that is not JSON is a `malformed` OnlineError. */
export function parseJson(answer: HttpAnswer): unknown {
  try {
    return JSON.parse(answer.body);
  } catch {
    throw new OnlineError(`answered with something that is not JSON (HTTP ${answer.status})`, 'malformed', answer.status);
  }
}
