/** Containers that only wait (knowledge/idle-commands.ts): toolboxes and benchmark clients serve nothing. */
import { describe, expect, it } from 'vitest';
import { isGpuDiagnosticCommand, isIdleCommand } from '../../src/knowledge/idle-commands.js';
import { shellWords } from '../../src/engine/servers.js';

describe('isIdleCommand', () => {
  it('recognises waiting commands and loops made only of them', () => {
    for (const script of [
      'sleep infinity',
      '/bin/sleep 3600',
      'tail -f /dev/null',
      'while true; do sleep 30; done',
      'while :; do sleep 1h; done;',
      'trap : TERM INT; sleep infinity & wait',
      'echo ready; exec sleep 86400',
      'until false; do sleep 5; done',
    ]) expect(isIdleCommand(shellWords(script)), script).toBe(true);
  });

  it('anything that does work is not idle', () => {
    for (const script of [
      '',
      'tritonserver --model-repository=/models',
      'while true; do ./vector-add; sleep 5; done',
      'sleep 10; python serve.py',
      'tail -f /var/log/app.log',
      'if [ -f /ready ]; then sleep 5; fi',
      'python -m http.server & sleep infinity',
      'echo hello',
    ]) expect(isIdleCommand(shellWords(script)), script).toBe(false);
  });

  it('GPU diagnostics and samples, alone or in a loop, are no server; a Python launcher is not a diagnostic', () => {
    for (const script of ['nvidia-smi', 'while true; do /samples/vectorAdd; done', 'nvidia-smi -L && sleep infinity', '/opt/nccl-tests/build/all_reduce_perf -b 8 -e 1G'])
      expect(isGpuDiagnosticCommand(shellWords(script)), script).toBe(true);
    for (const script of ['sleep infinity', 'python3 launch.py --model_path /models/sd', 'nvidia-smi; python serve.py', ''])
      expect(isGpuDiagnosticCommand(shellWords(script)), script).toBe(false);
  });
});
