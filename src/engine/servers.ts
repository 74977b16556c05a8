/**
 * Model servers recognised from the manifest alone (DESIGN.md §5): the inference server a container runs
 * (by image or command, src/knowledge/inference-servers.ts), the model it serves (from its flags, a
 * positional `vllm serve <model>`, or env such as MODEL_ID), its parallelism, and what a Hugging Face id
 * states about the model's size and precision (`Llama-3.1-70B-Instruct`, `…-AWQ`, `…-FP8`).
 */
import type { Path } from '../types.js';
import type { ContainerRef, PodTemplate } from './extract.js';
import { isPlainObject } from '../loaders/objects.js';
import { INFERENCE_SERVERS, type InferenceServerDef } from '../knowledge/inference-servers.js';
import { MODEL_SIZES } from '../knowledge/model-sizes.js';
import { isGpuDiagnosticCommand, isIdleCommand } from '../knowledge/idle-commands.js';

export interface Located<T> {
  value: T;
  /** Where it is written in the object (the arg, the env value, the image). */
  path: Path;
}

export interface RecognisedServer {
  server: InferenceServerDef;
  container: ContainerRef;
  /** The model as written (a Hugging Face id, a path, an URI), when the manifest names it. */
  model?: Located<string>;
  /** What the model name states (parameters, bytes per parameter). */
  modelFacts?: ModelFacts;
  tensorParallel?: Located<number>;
  pipelineParallel?: Located<number>;
  /** Nodes one server instance spans (SGLang `--nnodes`). */
  nodes?: Located<number>;
  /** A data/expert-parallel flag is set: GPUs are not tensor × pipeline alone. */
  dataParallel: boolean;
  /** Weights may be offloaded to CPU memory (`--cpu-offload-gb`). */
  offload: boolean;
  /** `--distributed-executor-backend ray`: the GPUs may live in other pods of a Ray cluster. */
  rayBackend: boolean;
  /** `--quantization`/`--dtype` values that change the bytes per parameter. */
  quantization?: string;
  dtype?: string;
  /** A value the parser could not resolve (`$(VAR)` with no literal env): then the numbers above are unknown. */
  unresolved: boolean;
}

export interface ModelFacts {
  /** Parameters in billions, from the name (`70B`, `8x7B` → known totals) or the size table. */
  paramsB?: number;
  /** Bytes per parameter from the name (`AWQ`, `FP8`, `int4`…), else undefined (bf16/fp16: 2). */
  bytesPerParam?: number;
  /** What the bytes per parameter came from ("AWQ", "FP8"…), for messages. */
  precision?: string;
}

/** Shell words of a command string (quotes and backslash escapes as a POSIX shell reads them; no expansion). */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      const next = text[++i];
      if (next !== '\n') {
        current += next;
        inWord = true;
      }
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else if (ch === ';' || ch === '|' || ch === '&') {
      if (inWord) words.push(current);
      let op = ch;
      if (text[i + 1] === ch) op += text[++i];
      words.push(op);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ash']);
const SEPARATORS = new Set([';', '&&', '||', '|', '&']);
const MAX_TOKENS = 4000;

interface Token {
  text: string;
  /** Where the token is written: the whole args/command item that holds it. */
  path: Path;
}

/** The container's command and args as tokens, with `sh -c "<script>"` split into shell words. */
function tokensOf(ref: ContainerRef): Token[] {
  const out: Token[] = [];
  const lists: Array<['command' | 'args', unknown]> = [['command', ref.container.command], ['args', ref.container.args]];
  let shell = false;
  for (const [field, list] of lists) {
    if (!Array.isArray(list)) continue;
    list.forEach((item, i) => {
      if (out.length > MAX_TOKENS) return;
      if (typeof item !== 'string' && typeof item !== 'number') return;
      const text = String(item);
      const path: Path = [...ref.path, field, i];
      const base = basename(text);
      if (out.length === 0 && SHELLS.has(base)) {
        shell = true;
        return;
      }
      // Shell options before the script (`bash -c -- "<script>"`: `--` ends the options).
      if (shell && (text === '-c' || text === '-ec' || text === '-ce' || text === '-exc' || text === '-xc' || text === '--')) return;
      if (shell || /\s/.test(text.trim())) {
        for (const word of shellWords(text).slice(0, MAX_TOKENS)) out.push({ text: word, path });
      } else out.push({ text, path });
    });
  }
  return out;
}

function basename(token: string): string {
  const slash = token.lastIndexOf('/');
  return slash >= 0 ? token.slice(slash + 1) : token;
}

/** `registry.example.com:5000/org/name:tag@sha256:…` → `org/name` (host dropped when it looks like one). */
export function imageRepository(image: string): string {
  let ref = image.trim().toLowerCase();
  const at = ref.indexOf('@');
  if (at >= 0) ref = ref.slice(0, at);
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > lastSlash) ref = ref.slice(0, colon);
  const parts = ref.split('/');
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) parts.shift();
  return parts.join('/');
}

function matchesCommand(tokens: Token[], start: number, sequence: string[]): boolean {
  return sequence.every((word, j) => {
    const token = tokens[start + j];
    if (!token) return false;
    const base = basename(token.text);
    return base === word || (j === 0 && (base === `${word}.py` || token.text === word));
  });
}

/** Where the server's own arguments start and end in the tokens, and which server it is. */
/**
 * Whether the container's command and args do nothing but wait (`sleep infinity`, `tail -f /dev/null`, a
 * `while true; do sleep …; done` loop; see knowledge/idle-commands.ts): a toolbox, debug or benchmark-client
 * container that serves nothing, whatever its image. False when neither command nor args is written.
 */
export function isIdleContainer(ref: ContainerRef): boolean {
  return isIdleCommand(tokensOf(ref).map((t) => t.text));
}

/** Whether the container runs only GPU diagnostics or samples (`nvidia-smi`, CUDA `vectorAdd`; knowledge/idle-commands.ts). */
export function isGpuDiagnosticContainer(ref: ContainerRef): boolean {
  return isGpuDiagnosticCommand(tokensOf(ref).map((t) => t.text));
}

function findServer(ref: ContainerRef, tokens: Token[]): { server: InferenceServerDef; start: number; end: number } | undefined {
  for (const server of INFERENCE_SERVERS) {
    for (const sequence of server.commands) {
      for (let i = 0; i < tokens.length; i++) {
        if (!matchesCommand(tokens, i, sequence)) continue;
        let end = i + sequence.length;
        while (end < tokens.length && !SEPARATORS.has(tokens[end].text)) end++;
        return { server, start: i + sequence.length, end };
      }
    }
  }
  const image = typeof ref.container.image === 'string' ? imageRepository(ref.container.image) : '';
  if (image === '') return undefined;
  // A server's image kept alive with `sleep infinity` (the Triton SDK image for benchmark clients) runs no server.
  if (isIdleCommand(tokens.map((t) => t.text))) return undefined;
  const byImage = INFERENCE_SERVERS.find((s) => s.images.some((re) => re.test(image)));
  if (!byImage) return undefined;
  // The image's entrypoint is the server: its arguments are `args` (a `command` that is not the server replaces it).
  if (Array.isArray(ref.container.command) && ref.container.command.length > 0) {
    const first = tokens[0] ? basename(tokens[0].text) : '';
    if (!/^python\d*(\.\d+)?$/.test(first)) return { server: byImage, start: tokens.length, end: tokens.length };
  }
  let end = 0;
  while (end < tokens.length && !SEPARATORS.has(tokens[end].text)) end++;
  return { server: byImage, start: 0, end };
}

/**
 * A flag token's name, with `_` read as `-` in long flags: Python servers accept both spellings (vLLM's
 * parser turns `--pipeline_parallel_size` into `--pipeline-parallel-size`; TensorRT-LLM documents `--tp_size`).
 */
function flagName(text: string): string {
  const eq = text.indexOf('=');
  const name = eq >= 0 ? text.slice(0, eq) : text;
  return name.startsWith('--') ? name.replace(/_/g, '-') : name;
}

/** Flag value: `--flag value`, `--flag=value`. */
function flagValue(tokens: Token[], start: number, end: number, flags: readonly string[]): Located<string> | undefined {
  const wanted = new Set(flags.map(flagName));
  for (let i = start; i < end; i++) {
    const text = tokens[i].text;
    if (!text.startsWith('-') || !wanted.has(flagName(text))) continue;
    const eq = text.indexOf('=');
    if (eq >= 0) return { value: text.slice(eq + 1), path: tokens[i].path };
    if (i + 1 < end) return { value: tokens[i + 1].text, path: tokens[i + 1].path };
  }
  return undefined;
}

function hasFlag(tokens: Token[], start: number, end: number, flags: readonly string[]): boolean {
  const wanted = new Set(flags.map(flagName));
  for (let i = start; i < end; i++) if (tokens[i].text.startsWith('-') && wanted.has(flagName(tokens[i].text))) return true;
  return false;
}

function literalEnv(ref: ContainerRef): Map<string, Located<string>> {
  const out = new Map<string, Located<string>>();
  const env = ref.container.env;
  if (!Array.isArray(env)) return out;
  env.forEach((entry, i) => {
    if (isPlainObject(entry) && typeof entry.name === 'string' && (typeof entry.value === 'string' || typeof entry.value === 'number')) {
      out.set(entry.name, { value: String(entry.value), path: [...ref.path, 'env', i, 'value'] });
    }
  });
  return out;
}

/** `$(VAR)` (Kubernetes) and `$VAR`/`${VAR}` (shell) from literal env; undefined when a reference stays unresolved. */
function expand(value: Located<string>, env: Map<string, Located<string>>): Located<string> | undefined {
  let unresolved = false;
  const text = value.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a, b, c) => {
    const hit = env.get(a ?? b ?? c);
    if (!hit) unresolved = true;
    return hit?.value ?? '';
  });
  return unresolved ? undefined : { value: text, path: value.path };
}

function positiveInt(value: Located<string> | undefined): Located<number> | undefined {
  if (!value || !/^\d{1,4}$/.test(value.value.trim())) return undefined;
  const n = Number(value.value);
  return n >= 1 ? { value: n, path: value.path } : undefined;
}

/** Per container (the index's pod templates are built once): several rules ask about each container. */
const recognised = new WeakMap<ContainerRef, RecognisedServer | null>();

/**
 * The inference server a container runs, with its model and parallelism; undefined when none is recognised.
 * The result is shared between callers (read it, do not change it).
 */
export function recogniseServer(ref: ContainerRef): RecognisedServer | undefined {
  let server = recognised.get(ref);
  if (server === undefined) recognised.set(ref, (server = readServer(ref) ?? null));
  return server ?? undefined;
}

function readServer(ref: ContainerRef): RecognisedServer | undefined {
  if (ref.type !== 'container') return undefined;
  const tokens = tokensOf(ref);
  const found = findServer(ref, tokens);
  if (!found) return undefined;
  const { server, start, end } = found;
  const env = literalEnv(ref);
  let unresolved = false;
  const read = (flags: readonly string[] | undefined, envNames: readonly string[] = []): Located<string> | undefined => {
    const raw = (flags && flags.length > 0 ? flagValue(tokens, start, end, flags) : undefined) ?? envNames.map((n) => env.get(n)).find((v) => v !== undefined);
    if (!raw) return undefined;
    const value = expand(raw, env);
    if (!value) unresolved = true;
    return value;
  };

  let model = read(server.modelFlags, server.modelEnv);
  if (!model && server.positionalModel && start < end && !tokens[start].text.startsWith('-')) {
    model = expand({ value: tokens[start].text, path: tokens[start].path }, env);
    if (!model) unresolved = true;
  }
  if (!model && server.id === 'nim' && typeof ref.container.image === 'string') {
    const repo = imageRepository(ref.container.image).replace(/^nim\//, '');
    model = { value: repo, path: [...ref.path, 'image'] };
  }
  const tensorParallel = positiveInt(read(server.tensorParallelFlags, server.tensorParallelEnv));
  const pipelineParallel = positiveInt(read(server.pipelineParallelFlags));
  const nodes = positiveInt(read(server.nodesFlags));
  const backend = flagValue(tokens, start, end, ['--distributed-executor-backend']);
  const quantization = read(server.quantizationFlags)?.value;
  const dtype = read(server.dtypeFlags)?.value;
  return {
    server,
    container: ref,
    model,
    modelFacts: model ? modelFactsOf(model.value) : undefined,
    tensorParallel,
    pipelineParallel,
    nodes,
    dataParallel: hasFlag(tokens, start, end, server.dataParallelFlags ?? []),
    offload: hasFlag(tokens, start, end, server.offloadFlags ?? []),
    rayBackend: backend?.value === 'ray',
    quantization,
    dtype,
    unresolved,
  };
}

/** Every recognised server among a template's regular containers. */
export function serversOf(template: PodTemplate): RecognisedServer[] {
  const out: RecognisedServer[] = [];
  for (const ref of template.containers) {
    const server = recogniseServer(ref);
    if (server) out.push(server);
  }
  return out;
}

/** Precision words in model names, with bytes per parameter. Later entries are checked first. */
const PRECISIONS: ReadonlyArray<[RegExp, number, string]> = [
  [/(^|[-_.])(bf16|fp16|f16|half)($|[-_.])/, 2, 'BF16/FP16'],
  [/(^|[-_.])(fp8|f8|w8a8|w8a16|int8|8bit|8-bit|q8(_0)?)($|[-_.])/, 1, '8-bit'],
  [/(^|[-_.])(awq|gptq|int4|w4a16|w4a8|4bit|4-bit|bnb-4bit|nf4|fp4|nvfp4|mxfp4|q4(_k(_[ms])?|_0|_1)?|gguf)($|[-_.])/, 0.5, '4-bit'],
  [/(^|[-_.])gptq[-_]int8($|[-_.])/, 1, 'GPTQ int8'],
];

/**
 * What a model name says about its size and precision: the largest `<n>B`/`<n>M` token not marking
 * active parameters (`A3B`), or the size table for names that do not state it (`gpt-oss-120b` is MXFP4),
 * and a quantisation token. Undefined fields: the name does not say.
 */
export function modelFactsOf(model: string): ModelFacts {
  const name = model.trim().replace(/^(hf|hf-hub|huggingface):\/\//i, '');
  const base = (name.split('/').pop() ?? name).toLowerCase();
  const known = MODEL_SIZES.find((row) => row.match.test(base));
  const facts: ModelFacts = {};
  if (known) {
    facts.paramsB = known.paramsB;
    if (known.bytesPerParam !== undefined) {
      facts.bytesPerParam = known.bytesPerParam;
      facts.precision = known.precision;
    }
  } else {
    let best: number | undefined;
    for (const m of base.matchAll(/(^|[-_.])(\d{1,4}(?:\.\d{1,2})?)([bm])(?=$|[-_.])/g)) {
      const value = Number(m[2]) / (m[3] === 'm' ? 1000 : 1);
      if (best === undefined || value > best) best = value;
    }
    if (best !== undefined && best > 0) facts.paramsB = best;
  }
  if (facts.bytesPerParam === undefined) {
    for (let i = PRECISIONS.length - 1; i >= 0; i--) {
      const [re, bytes, label] = PRECISIONS[i];
      if (re.test(base)) {
        facts.bytesPerParam = bytes;
        facts.precision = label;
        break;
      }
    }
  }
  return facts;
}

/** Bytes per parameter from a server's `--quantization`/`--dtype` value, when it says. */
export function bytesFromServerFlags(quantization: string | undefined, dtype: string | undefined): { bytes: number; label: string } | undefined {
  const q = quantization?.toLowerCase();
  if (q) {
    if (/^(awq|awq_marlin|gptq|gptq_marlin|bitsandbytes|gguf|marlin|compressed-tensors-w4|mxfp4|nvfp4|modelopt_fp4|bitsandbytes-nf4|bitsandbytes-fp4)$/.test(q)) return { bytes: 0.5, label: `--quantization ${q}` };
    if (/^(fp8|fbgemm_fp8|modelopt|eetq|bitsandbytes-8bit|experts_int8|int8|fp8_e4m3|fp8_e5m2)$/.test(q)) return { bytes: 1, label: `--quantization ${q}` };
    return undefined;
  }
  const d = dtype?.toLowerCase();
  if (d === 'float32' || d === 'float') return { bytes: 4, label: `--dtype ${d}` };
  return undefined;
}
