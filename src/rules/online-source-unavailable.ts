import { defineRule } from './define-rule.js';

/** Reported by the online sources (src/sources), not by `check`: a configured registry that did not answer. */
export default defineRule<Record<string, never>>({
  meta: {
    id: 'online-source-unavailable',
    severity: 'warning',
    recommended: true,
    description: 'A configured online source (MLflow, an image registry) could not be used; the checks that needed it were skipped',
    kinds: [],
    remediation: 'Check the URL, the network and the credentials (MLFLOW_TRACKING_TOKEN, DOCKER_AUTH_CONFIG, ~/.docker/config.json), or run with --offline.',
    docs: {
      why:
        'Version and image checks against MLflow or an image registry are only as good as the answers they get. ' +
        'When the source is down, slow, refuses the credentials or answers nonsense, mllint says so once instead ' +
        'of failing the run, hanging a pre-commit hook or pretending everything matched.',
      checks:
        'One finding per source that failed during the run: unreachable, no answer within `timeouts.onlineSeconds` ' +
        '(one budget for all lookups, default 20 s), HTTP 401/403, an answer that is not the API\'s, or a TLS error. ' +
        'The finding is placed at the line of the config that turned the source on, when a config did; a source ' +
        'turned on by a flag or an environment variable has no file (`file` "" and line 0 in JSON, a tool ' +
        'execution notification in SARIF, shown under "(command line and environment)"), and its message ends ' +
        'with "(set by --mlflow-url)" or whichever flag or variable it was. With a registry ' +
        'file configured too, version checks fall back to that snapshot.',
      fix:
        'Fix the URL or the credentials (`MLFLOW_TRACKING_TOKEN`, `MLFLOW_TRACKING_USERNAME`/`MLFLOW_TRACKING_PASSWORD`, ' +
        '`NODE_EXTRA_CA_CERTS` for a private CA), raise `timeouts.onlineSeconds`, or run `mllint check --offline` ' +
        'and commit a snapshot written by `mllint registry export`.',
    },
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaultOptions: {},
    messages: {},
  },
  check: () => [],
});
