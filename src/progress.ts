/**
 * Progress of a long run on stderr, for a person at a terminal: one line, rewritten in place
 * (`mllint: parsing 1200/5000 files`), erased when the run ends, so the report that follows is exactly
 * what it would be without it. Only when stderr is a terminal and the run is not in CI: a pipe, a file,
 * a pre-commit hook or a CI log never gets a control sequence.
 */

/** Called by the run's stages: `phase` in words; `done`/`total` items (total 0: no count). */
export type ProgressCallback = (phase: string, done: number, total: number) => void;

export interface Progress {
  update: ProgressCallback;
  /** Erases the line, if one was written. Call before any other output to stderr or the terminal. */
  end(): void;
}

/**
 * Whether to show progress: stderr is a terminal, not `TERM=dumb`, not a CI run (`CI`, as GitHub Actions,
 * GitLab, CircleCI, Buildkite and others set it), and not turned off (`--no-progress`, `MLLINT_PROGRESS=0`).
 */
export function progressWanted(stderrIsTTY: boolean, env: Record<string, string | undefined>, flag = true): boolean {
  if (!flag || !stderrIsTTY) return false;
  if (env.MLLINT_PROGRESS === '0' || env.TERM === 'dumb') return false;
  if (env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0') return false;
  return !env.GITHUB_ACTIONS;
}

/**
 * A throttled progress line on `write` (stderr). A new phase is shown at once; counts within a phase at most
 * every `intervalMs` (default 100 ms), so a 50,000-file run writes a few hundred lines, not 50,000.
 * `now` is injectable for tests (default `Date.now`).
 */
export function createProgress(write: (text: string) => void, options: { intervalMs?: number; now?: () => number } = {}): Progress {
  const interval = options.intervalMs ?? 100;
  const now = options.now ?? Date.now;
  let shown = false;
  let lastPhase = '';
  let lastAt = -Infinity;
  return {
    update(phase, done, total) {
      const t = now();
      if (phase === lastPhase && t - lastAt < interval && done < total) return;
      lastPhase = phase;
      lastAt = t;
      const count = total > 0 ? ` ${Math.min(done, total)}/${total}` : '';
      write(`\r\x1b[Kmllint: ${phase}${count}…`);
      shown = true;
    },
    end() {
      if (shown) write('\r\x1b[K');
      shown = false;
      lastPhase = '';
    },
  };
}
