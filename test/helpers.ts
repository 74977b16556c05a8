/** Shared test helpers: temporary trees on disk and an in-memory CLI run. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { run } from '../src/cli.js';

export function makeTree(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-test-'));
  for (const [rel, content] of Object.entries(files)) {
    const target = path.join(dir, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  return dir;
}

export function removeTree(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** A `makeTree` for one test file: every tree it makes is removed after the file's tests (call at module level). */
export function treesRemovedAfterAll(): (files: Record<string, string | Buffer>) => string {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(removeTree));
  return (files) => {
    const dir = makeTree(files);
    dirs.push(dir);
    return dir;
  };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], options: { cwd: string; stdin?: string; env?: Record<string, string>; isTTY?: boolean }): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: async () => options.stdin ?? '',
    cwd: options.cwd,
    env: options.env ?? {},
    isTTY: options.isTTY ?? false,
  });
  return { code, stdout, stderr };
}

/** The image of BROKEN_POD: a digest copied truncated, which the kubelet cannot parse (InvalidImageName). */
export const BROKEN_IMAGE = 'scorer@sha256:9f86d08';

/**
 * A pod that follows every rule but one, with a certain error: its image (line 9) has a truncated digest, an
 * `image-pinned` error (the kubelet cannot parse the reference; the container can never start).
 */
export const BROKEN_POD = `apiVersion: v1
kind: Pod
metadata:
  name: scorer
  namespace: ml
spec:
  containers:
    - name: scorer
      image: ${BROKEN_IMAGE}
      ports: [{ name: http, containerPort: 8080 }]
      readinessProbe: { httpGet: { path: /ready, port: http } }
      livenessProbe: { httpGet: { path: /healthz, port: http } }
      resources: { requests: { cpu: 500m, memory: 1Gi }, limits: { memory: 1Gi } }
`;
