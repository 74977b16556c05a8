/**
 * MLflow Model Registry over its REST API 2.0 (https://mlflow.org/docs/latest/rest-api.html):
 *
 * - `GET  /api/2.0/mlflow/registered-models/alias?name=&alias=`  → the version an alias points at
 * - `GET  /api/2.0/mlflow/model-versions/get?name=&version=`     → one version, with its tags
 * - `POST /api/2.0/mlflow/registered-models/get-latest-versions` → the latest version per stage
 * - `GET  /api/2.0/mlflow/model-versions/search?filter=`          → versions by `run_id` / `source_path`
 *
 * Authentication as MLflow's own clients do it (mlflow/utils/rest_utils.py): `MLFLOW_TRACKING_TOKEN`
 * as a Bearer token, else `MLFLOW_TRACKING_USERNAME` + `MLFLOW_TRACKING_PASSWORD` as Basic auth.
 * "Does not exist" answers (HTTP 404, or MLflow's `RESOURCE_DOES_NOT_EXIST` / `INVALID_PARAMETER_VALUE`
 * error codes for a missing alias) are facts (`undefined`); everything else that is not a success
 * (401/403, 5xx, a body that is not MLflow's JSON) is an `OnlineError` that stops the source.
 */
import { displayUrl, OnlineError, parseJson, request } from './http.js';

/** Model version tag names mllint reads (config `registry.mlflow.tags` renames them). */
export interface MlflowTagNames {
  image: string;
  footprint: string;
  loadSeconds: string;
}

export const DEFAULT_MLFLOW_TAGS: MlflowTagNames = { image: 'mllint.image', footprint: 'mllint.footprint', loadSeconds: 'mllint.load_seconds' };

/** The MLflow stages, as MLflow spells them (`current_stage`). */
export const MLFLOW_STAGES = ['None', 'Staging', 'Production', 'Archived'];

export interface MlflowModelVersion {
  name: string;
  version: string;
  stage?: string;
  tags: Record<string, string>;
  aliases: string[];
  source?: string;
  runId?: string;
}

export interface MlflowCredentials {
  token?: string;
  username?: string;
  password?: string;
}

export interface MlflowClientOptions {
  url: string;
  credentials?: MlflowCredentials;
  /** Extra CA (PEM) for https. */
  ca?: string;
  /** Absolute deadline of the run's online budget (ms since epoch). */
  deadline: number;
}

/** The credentials MLflow's clients read from the environment. */
export function mlflowCredentialsFromEnv(env: Record<string, string | undefined>): MlflowCredentials | undefined {
  if (env.MLFLOW_TRACKING_TOKEN) return { token: env.MLFLOW_TRACKING_TOKEN };
  if (env.MLFLOW_TRACKING_USERNAME && env.MLFLOW_TRACKING_PASSWORD !== undefined) {
    return { username: env.MLFLOW_TRACKING_USERNAME, password: env.MLFLOW_TRACKING_PASSWORD };
  }
  return undefined;
}

export class MlflowClient {
  readonly shown: string;
  private readonly base: URL;
  /** Answers of this run, by request (each lookup is made once). */
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(private readonly options: MlflowClientOptions) {
    const base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
    // Credentials written into the URL (https://user:pw@host) become Basic auth, and leave the URL.
    if (base.username && !options.credentials) {
      this.options = { ...options, credentials: { username: decodeURIComponent(base.username), password: decodeURIComponent(base.password) } };
    }
    base.username = '';
    base.password = '';
    this.base = base;
    this.shown = displayUrl(base);
  }

  /** The version `alias` points at, or undefined when the model or the alias does not exist. */
  versionByAlias(name: string, alias: string): Promise<MlflowModelVersion | undefined> {
    return this.modelVersionCall('GET', 'registered-models/alias', { name, alias });
  }

  /** One version with its tags, or undefined when it does not exist. */
  modelVersion(name: string, version: string): Promise<MlflowModelVersion | undefined> {
    return this.modelVersionCall('GET', 'model-versions/get', { name, version });
  }

  /** The latest version in each stage (`Production`, `Staging`…); a model that does not exist is undefined. */
  async latestVersions(name: string, stages: string[]): Promise<MlflowModelVersion[] | undefined> {
    const body = await this.call('POST', 'registered-models/get-latest-versions', { name, stages });
    if (body === undefined) return undefined;
    const list = (body as { model_versions?: unknown }).model_versions ?? [];
    if (!Array.isArray(list)) throw this.malformed('registered-models/get-latest-versions');
    return list.map((v) => this.toVersion(v, 'registered-models/get-latest-versions'));
  }

  /**
   * Registered models (`registered-models/search`, every page): names with their aliases and the latest
   * version per stage. `names` restricts the search to these exact names.
   */
  async searchModels(names?: string[]): Promise<Array<{ name: string; aliases: Record<string, string>; stages: Record<string, string> }>> {
    const out: Array<{ name: string; aliases: Record<string, string>; stages: Record<string, string> }> = [];
    const filters = names && names.length > 0 ? names.map((n) => `name = '${n.replace(/'/g, "\\'")}'`) : [undefined];
    for (const filter of filters) {
      let pageToken: string | undefined;
      do {
        const params: Record<string, string> = { max_results: '1000' };
        if (filter) params.filter = filter;
        if (pageToken) params.page_token = pageToken;
        const body = (await this.call('GET', 'registered-models/search', params)) as { registered_models?: unknown; next_page_token?: unknown } | undefined;
        if (body === undefined) break;
        const list = body.registered_models ?? [];
        if (!Array.isArray(list)) throw this.malformed('registered-models/search');
        for (const raw of list) {
          if (typeof raw !== 'object' || raw === null || typeof (raw as { name?: unknown }).name !== 'string') throw this.malformed('registered-models/search');
          const model = raw as { name: string; aliases?: unknown; latest_versions?: unknown };
          const aliases: Record<string, string> = {};
          if (Array.isArray(model.aliases)) {
            for (const a of model.aliases) if (typeof a?.alias === 'string' && a.version !== undefined) aliases[a.alias] = String(a.version);
          }
          const stages: Record<string, string> = {};
          if (Array.isArray(model.latest_versions)) {
            for (const v of model.latest_versions) if (typeof v?.current_stage === 'string' && v.current_stage !== 'None' && v.version !== undefined) stages[v.current_stage] = String(v.version);
          }
          out.push({ name: model.name, aliases, stages });
        }
        pageToken = typeof body.next_page_token === 'string' && body.next_page_token !== '' ? body.next_page_token : undefined;
      } while (pageToken);
    }
    return out;
  }

  /** Every version of a model with its tags (`model-versions/search`, every page). */
  searchVersions(name: string): Promise<MlflowModelVersion[]> {
    return this.searchVersionsWhere(`name = '${name.replace(/'/g, "\\'")}'`);
  }

  /**
   * The versions matching an MLflow search filter (`run_id = '…'`, `source_path = '…'`; values quoted by
   * the caller), every page; at most 10 pages of 1000.
   */
  async searchVersionsWhere(filter: string): Promise<MlflowModelVersion[]> {
    const out: MlflowModelVersion[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      if (++pages > 10) break;
      const params: Record<string, string> = { filter, max_results: '1000' };
      if (pageToken) params.page_token = pageToken;
      const body = (await this.call('GET', 'model-versions/search', params)) as { model_versions?: unknown; next_page_token?: unknown } | undefined;
      if (body === undefined) break;
      const list = body.model_versions ?? [];
      if (!Array.isArray(list)) throw this.malformed('model-versions/search');
      out.push(...list.map((v) => this.toVersion(v, 'model-versions/search')));
      pageToken = typeof body.next_page_token === 'string' && body.next_page_token !== '' ? body.next_page_token : undefined;
    } while (pageToken);
    return out;
  }

  /** Whether a registered model of this name exists (`registered-models/get`). */
  async modelExists(name: string): Promise<boolean> {
    return (await this.call('GET', 'registered-models/get', { name })) !== undefined;
  }

  private async modelVersionCall(method: 'GET', endpoint: string, params: Record<string, string>): Promise<MlflowModelVersion | undefined> {
    const body = await this.call(method, endpoint, params);
    if (body === undefined) return undefined;
    return this.toVersion((body as { model_version?: unknown }).model_version, endpoint);
  }

  private call(method: 'GET' | 'POST', endpoint: string, params: Record<string, unknown>): Promise<unknown> {
    const key = `${method} ${endpoint} ${JSON.stringify(params)}`;
    let answer = this.cache.get(key);
    if (!answer) {
      answer = this.send(method, endpoint, params);
      this.cache.set(key, answer);
    }
    return answer;
  }

  private async send(method: 'GET' | 'POST', endpoint: string, params: Record<string, unknown>): Promise<unknown> {
    const url = new URL(`api/2.0/mlflow/${endpoint}`, this.base);
    const headers: Record<string, string> = { accept: 'application/json' };
    const credentials = this.options.credentials;
    if (credentials?.token) headers.authorization = `Bearer ${credentials.token}`;
    else if (credentials?.username !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password ?? ''}`).toString('base64')}`;
    }
    let body: string | undefined;
    if (method === 'GET') for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
    else {
      body = JSON.stringify(params);
      headers['content-type'] = 'application/json';
    }
    const answer = await request(url, { method, headers, body, ca: this.options.ca, deadline: this.options.deadline });
    if (answer.status === 401 || answer.status === 403) {
      throw new OnlineError(
        `HTTP ${answer.status} ${answer.status === 401 ? 'unauthorized' : 'forbidden'}${credentials ? ' with the given credentials' : ' (set MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD)'}`,
        'auth',
        answer.status,
      );
    }
    if (answer.status >= 200 && answer.status < 300) {
      const json = parseJson(answer);
      if (typeof json !== 'object' || json === null || Array.isArray(json)) throw this.malformed(endpoint);
      return json;
    }
    let json: unknown;
    try {
      json = JSON.parse(answer.body);
    } catch {
      json = undefined; // an error page: the status says enough
    }
    const code = typeof json === 'object' && json !== null ? (json as { error_code?: unknown }).error_code : undefined;
    if (answer.status === 404 && (code === 'RESOURCE_DOES_NOT_EXIST' || code === 'NOT_FOUND')) return undefined;
    // A missing alias is INVALID_PARAMETER_VALUE in MLflow 2.x ("Registered model alias … not found").
    if (answer.status === 400 && code === 'INVALID_PARAMETER_VALUE' && endpoint === 'registered-models/alias') return undefined;
    if (answer.status === 404) throw new OnlineError(`HTTP 404 for ${endpoint}: is this an MLflow tracking server?`, 'http', 404);
    throw new OnlineError(`HTTP ${answer.status} for ${endpoint}${typeof code === 'string' ? ` (${code})` : ''}`, 'http', answer.status);
  }

  private malformed(endpoint: string): OnlineError {
    return new OnlineError(`unexpected answer from ${endpoint} (not an MLflow model version)`, 'malformed');
  }

  private toVersion(raw: unknown, endpoint: string): MlflowModelVersion {
    if (typeof raw !== 'object' || raw === null) throw this.malformed(endpoint);
    const v = raw as Record<string, unknown>;
    if (typeof v.name !== 'string' || (typeof v.version !== 'string' && typeof v.version !== 'number')) throw this.malformed(endpoint);
    const tags: Record<string, string> = {};
    if (Array.isArray(v.tags)) {
      for (const tag of v.tags) {
        if (typeof tag === 'object' && tag !== null && typeof (tag as { key?: unknown }).key === 'string') {
          const value = (tag as { value?: unknown }).value;
          tags[(tag as { key: string }).key] = typeof value === 'string' ? value : String(value ?? '');
        }
      }
    }
    return {
      name: v.name,
      version: String(v.version),
      stage: typeof v.current_stage === 'string' ? v.current_stage : undefined,
      tags,
      aliases: Array.isArray(v.aliases) ? v.aliases.filter((a): a is string => typeof a === 'string') : [],
      source: typeof v.source === 'string' ? v.source : undefined,
      runId: typeof v.run_id === 'string' ? v.run_id : undefined,
    };
  }
}
