/**
 * The config schema in a real editor backend: Red Hat's `yaml-language-server` (what VS Code's YAML
 * extension, Neovim's and JetBrains' YAML support run), spoken to over LSP on stdio, with the modeline
 * `mllint init` writes pointing at this checkout's schemas/config.schema.json. A mistyped rule id and a
 * mistyped option get diagnostics at their lines; a valid config gets none.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTree, removeTree } from '../helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCHEMA_URL = pathToFileURL(path.join(ROOT, 'schemas', 'config.schema.json')).href;

function serverBin(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve('yaml-language-server/package.json');
    const bin = path.join(path.dirname(pkg), 'bin', 'yaml-language-server');
    return fs.existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}
const BIN = serverBin();
if (!BIN) {
  const reason = 'the editor test needs the devDependency yaml-language-server (npm ci)';
  if (process.env.CI === 'true') throw new Error(reason);
  console.warn(`\n*** SKIPPED: ${reason} ***\n`);
}

interface Diagnostic {
  range: { start: { line: number; character: number } };
  message: string;
}

/** A minimal LSP client: Content-Length framing, answers the server's requests, collects diagnostics. */
class LspClient {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private pending = new Map<number, (result: unknown) => void>();
  private diagnostics = new Map<string, (d: Diagnostic[]) => void>();
  constructor(private server: ChildProcessWithoutNullStreams) {
    server.stdout.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const header = this.buffer.indexOf('\r\n\r\n');
        if (header < 0) return;
        const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, header).toString())?.[1]);
        if (this.buffer.length < header + 4 + length) return;
        const message = JSON.parse(this.buffer.subarray(header + 4, header + 4 + length).toString('utf8'));
        this.buffer = this.buffer.subarray(header + 4 + length);
        this.handle(message);
      }
    });
  }
  private send(message: Record<string, unknown>): void {
    const body = JSON.stringify({ jsonrpc: '2.0', ...message });
    this.server.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
  private handle(message: { id?: number; method?: string; params?: any; result?: unknown }): void {
    if (message.method === 'textDocument/publishDiagnostics') {
      this.diagnostics.get(message.params.uri)?.(message.params.diagnostics);
    } else if (message.method && message.id !== undefined) {
      // Server → client requests: settings (validation on, no schema store), capability registration.
      const result = message.method === 'workspace/configuration'
        ? message.params.items.map(() => ({ validate: true, schemaStore: { enable: false }, schemas: {} }))
        : null;
      this.send({ id: message.id, result });
    } else if (message.id !== undefined) {
      this.pending.get(message.id)?.(message.result);
    }
  }
  request(method: string, params: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.send({ id, method, params });
    });
  }
  notify(method: string, params: unknown): void {
    this.send({ method, params });
  }
  /** Opens a document and resolves with the first diagnostics the server publishes for it. */
  open(uri: string, text: string): Promise<Diagnostic[]> {
    return new Promise((resolve) => {
      this.diagnostics.set(uri, resolve);
      this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    });
  }
}

describe.skipIf(!BIN)('the config schema in yaml-language-server', () => {
  let server: ChildProcessWithoutNullStreams;
  let client: LspClient;
  const dir = makeTree({});
  beforeAll(async () => {
    server = spawn(process.execPath, [BIN!, '--stdio'], { cwd: dir });
    client = new LspClient(server);
    await client.request('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: { workspace: { configuration: true } } });
    client.notify('initialized', {});
    client.notify('workspace/didChangeConfiguration', { settings: { yaml: { validate: true, schemaStore: { enable: false } } } });
  }, 60_000);
  afterAll(() => {
    server?.kill();
    removeTree(dir);
  });

  const modeline = `# yaml-language-server: $schema=${SCHEMA_URL}\n`;
  let n = 0;
  const diagnose = (text: string) => client.open(pathToFileURL(path.join(dir, `c${n++}.mllint.yaml`)).href, modeline + text);

  it('flags a mistyped rule id and a mistyped option at their lines', async () => {
    const rule = await diagnose('rules:\n  image-pined: error\n');
    expect(rule.map((d) => d.range.start.line)).toEqual([2]);
    expect(rule[0].message).toMatch(/not allowed/i);
    const option = await diagnose('rules:\n  liveness-survives-model-load:\n    options: { safetyFactr: 2 }\n');
    expect(option.map((d) => d.range.start.line)).toContain(3);
    const pack = await diagnose('extends: ["mllint:lax"]\n');
    expect(pack.length).toBeGreaterThan(0);
  }, 60_000);

  it('has nothing to say about a valid config, options and pack policies included', async () => {
    const valid = await diagnose(
      'extends: ["mllint:strict"]\nrules:\n  image-pinned: warning\n  liveness-survives-model-load: { options: { safetyFactor: 2 } }\npolicies:\n  - { id: strict-no-cpu-limits, severity: "off" }\n',
    );
    expect(valid).toEqual([]);
  }, 60_000);
});
