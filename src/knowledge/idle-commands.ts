/**
 * Commands that only wait: a container whose whole command is made of them (`sleep infinity`,
 * `tail -f /dev/null`, `while true; do sleep 3600; done`) is a toolbox or debug container that people
 * `kubectl exec` into, or a client kept alive for a benchmark. It serves nothing — even when its image is a
 * model server's (the Triton SDK image, a vLLM image kept for its Python environment) or it holds a GPU —
 * so nothing may be said about a model it loads or a Service it answers.
 *
 * Sources: GNU coreutils manual, "sleep invocation" (`sleep infinity`) and "tail invocation" (`-f` follows a
 * file; `/dev/null` never grows); POSIX Shell Command Language §2.9.4 (while/until loops), §2.14 special
 * built-ins (`:`, `trap`, `exec`), and the utilities `true`, `wait`, `echo`.
 */

/**
 * GPU diagnostics and samples: they exercise a GPU and exit or loop, serving nothing. Sources: NVIDIA System
 * Management Interface (`nvidia-smi`), DCGM (`dcgmi`), NVIDIA/cuda-samples (`vectorAdd`, `deviceQuery`,
 * `bandwidthTest`), NVIDIA/nccl-tests (`all_reduce_perf` …), NVIDIA/nvbandwidth.
 */
const GPU_DIAGNOSTICS = new Set([
  'nvidia-smi', 'dcgmi', 'vectorAdd', 'vector-add', 'vectoradd', 'deviceQuery', 'bandwidthTest', 'nvbandwidth',
  'all_reduce_perf', 'all_gather_perf', 'alltoall_perf', 'broadcast_perf', 'reduce_scatter_perf', 'sendrecv_perf',
]);

/** Programs that only wait. `tail` counts only as `tail -f /dev/null` (see `isIdleCommand`). */
const WAITING = new Set(['sleep', 'wait', 'pause']);
/** Words that may surround the waiting: loop keywords, no-ops, `exec`, messages. */
const HARMLESS = new Set(['while', 'until', 'do', 'done', 'true', 'false', ':', 'exec', 'echo', 'trap', 'then', 'fi', 'if']);
const SEPARATOR = new Set([';', '&&', '||', '&', '|']);

/**
 * Whether shell words (a container's `command` + `args`, with `sh -c "<script>"` already split, shells and
 * `-c` dropped) do nothing but wait: every simple command is `sleep …`, `tail -f /dev/null`, `wait`, or a
 * loop keyword / no-op / `echo` / `trap` around them, and at least one of them waits. Empty input: false.
 */
export function isIdleCommand(words: readonly string[]): boolean {
  return onlyRuns(words, WAITING);
}

/**
 * Whether shell words run nothing but GPU diagnostics or samples (`nvidia-smi`, a `vectorAdd` loop, NCCL
 * tests; see GPU_DIAGNOSTICS), possibly with waiting around them: a GPU smoke test, not a model server.
 */
export function isGpuDiagnosticCommand(words: readonly string[]): boolean {
  return onlyRuns(words, GPU_DIAGNOSTICS) || (onlyRuns(words, new Set([...GPU_DIAGNOSTICS, ...WAITING])) && words.some((w) => GPU_DIAGNOSTICS.has(w.slice(w.lastIndexOf('/') + 1))));
}

function onlyRuns(words: readonly string[], programs: ReadonlySet<string>): boolean {
  if (words.length === 0) return false;
  let waits = false;
  let start = true; // at the start of a simple command
  let skipRest = false; // inside the arguments of a command already judged
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (SEPARATOR.has(word)) {
      start = true;
      skipRest = false;
      continue;
    }
    if (skipRest) continue;
    if (!start) continue;
    const name = word.slice(word.lastIndexOf('/') + 1);
    if (HARMLESS.has(name)) {
      // A keyword or `exec` starts the next word as a command; `echo`/`trap`/`true` take arguments.
      if (name === 'echo' || name === 'trap' || name === 'true' || name === 'false' || name === ':') skipRest = true;
      continue;
    }
    if (programs.has(name)) {
      waits = true;
      skipRest = true;
      start = false;
      continue;
    }
    if (programs === WAITING && name === 'tail' && words[i + 1] === '-f' && words[i + 2] === '/dev/null') {
      waits = true;
      skipRest = true;
      start = false;
      continue;
    }
    return false;
  }
  return waits;
}
