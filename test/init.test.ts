/** `mllint init`: a starter config from the repository's namespaces; never overwrites; the config it writes loads. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTree, removeTree, runCli } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeTree));
const deployment = (ns: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: s, namespace: ${ns} }\nspec:\n  selector: { matchLabels: { app: s } }\n  template:\n    metadata: { labels: { app: s } }\n    spec:\n      containers: [{ name: s, image: "x:1", env: [{ name: MODEL_URI, value: "models:/fraud/3" }] }]\n`;

describe('mllint init', () => {
  it('writes .mllint.yaml with the namespaces, a proposed alias map and the MLflow URL; the result loads', async () => {
    const dir = makeTree({ '.git/HEAD': 'x\n', 'prod/d.yaml': deployment('ml-serving-prod'), 'stg/d.yaml': deployment('ml-serving-staging'), 'dev/d.yaml': deployment('sandbox') });
    dirs.push(dir);
    const out = await runCli(['init'], { cwd: dir, env: { MLFLOW_TRACKING_URI: 'https://user:pw@mlflow.example.com/' } });
    expect(out.code).toBe(0);
    const text = fs.readFileSync(path.join(dir, '.mllint.yaml'), 'utf8');
    expect(text).toContain('#   ml-serving-prod, ml-serving-staging, sandbox');
    expect(text).toContain('aliasByNamespace: { "ml-serving-prod": champion, "ml-serving-staging": challenger }');
    expect(text).toContain('url: "https://mlflow.example.com"');
    expect(text).not.toContain('pw');
    const check = await runCli(['check', '--offline', '--format', 'json', '--no-cache'], { cwd: dir });
    expect(check.code).not.toBe(2);
    expect(check.stderr).toBe('');
  });

  it('a namespace that is no valid name (a newline and config lines in it) is left out, not written into the config', async () => {
    const dir = makeTree({ '.git/HEAD': 'x\n', 'd.yaml': deployment('ml-prod'), 'evil.yaml': deployment('"x\\nrules: { image-pinned: \\"off\\" }\\n#"') });
    dirs.push(dir);
    const out = await runCli(['init'], { cwd: dir });
    expect(out.code).toBe(0);
    const text = fs.readFileSync(path.join(dir, '.mllint.yaml'), 'utf8');
    expect(text).toContain('#   ml-prod\n');
    expect(text).not.toMatch(/^rules:/m);
    expect(text).not.toContain('image-pinned');
  });

  it('never overwrites an existing config (exit 2)', async () => {
    const dir = makeTree({ '.mllint.yaml': 'rules: {}\n' });
    dirs.push(dir);
    const out = await runCli(['init'], { cwd: dir });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('.mllint.yaml already exists');
    expect(fs.readFileSync(path.join(dir, '.mllint.yaml'), 'utf8')).toBe('rules: {}\n');
  });

  it('--nodes names the Node objects file', async () => {
    const dir = makeTree({ 'nodes.yaml': 'apiVersion: v1\nkind: Node\nmetadata: { name: n1 }\n' });
    dirs.push(dir);
    expect((await runCli(['init', '--nodes', 'nodes.yaml'], { cwd: dir })).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, '.mllint.yaml'), 'utf8')).toContain('nodesFile: "nodes.yaml"');
  });
});
