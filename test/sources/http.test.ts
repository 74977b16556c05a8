/**
 * The online sources' HTTP client refuses link-local addresses: with `--check-images` the image hosts come
 * from the manifests (the pull request), and 169.254.169.254 / fe80::/10 is where cloud instance metadata
 * (and credentials) are served to a CI runner.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { connectionCounter, isLinkLocal, OnlineError, request } from '../../src/sources/http.js';
import { makeTree, removeTree, runCli } from '../helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeTree));

describe('link-local addresses', () => {
  it('isLinkLocal: IPv4 169.254/16, IPv6 fe80::/10, mapped forms; nothing else', () => {
    for (const a of ['169.254.169.254', '169.254.0.1', '::ffff:169.254.169.254', 'fe80::1', 'FEBF::2', 'fd00:ec2::254']) expect(isLinkLocal(a), a).toBe(true);
    for (const a of ['127.0.0.1', '10.0.0.1', '192.168.1.1', '::1', 'fd00::1', 'registry.example.com', '169.25.1.1']) expect(isLinkLocal(a), a).toBe(false);
  });

  it('a request to the metadata address is refused before any connection', async () => {
    const before = connectionCounter.opened;
    for (const url of ['http://169.254.169.254/v2/', 'https://[fe80::1]/v2/']) {
      const err = await request(url, { method: 'HEAD', deadline: Date.now() + 2000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OnlineError);
      expect((err as OnlineError).message).toMatch(/link-local address refused/);
    }
    expect(connectionCounter.opened).toBe(before);
  });

  it('--check-images on a manifest naming a link-local registry: one warning, the run goes on', async () => {
    const dir = makeTree({
      'deploy.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: scorer, namespace: ml }
spec:
  selector: { matchLabels: { app: scorer } }
  template:
    metadata: { labels: { app: scorer } }
    spec:
      containers:
        - name: scorer
          image: 169.254.169.254/latest/meta-data:1.0
`,
    });
    dirs.push(dir);
    const out = await runCli(['check', '--format', 'json', '--no-cache', '--check-images', '.'], { cwd: dir, env: { HOME: dir } });
    const findings = JSON.parse(out.stdout).findings as Array<{ ruleId: string; severity: string; message: string }>;
    const online = findings.filter((f) => f.ruleId === 'online-source-unavailable');
    expect(online).toHaveLength(1);
    expect(online[0]!.severity).toBe('warning');
    expect(online[0]!.message).toMatch(/link-local address refused/);
    expect(findings.filter((f) => f.ruleId === 'image-matches-registry')).toEqual([]);
  });
});
