import rule from '../../src/rules/cronjob-safe-concurrency.js';
import { ruleTester } from '../rule-tester.js';

const cronJob = (spec: string, jobSpec = '      backoffLimit: 1\n') => `apiVersion: batch/v1
kind: CronJob
metadata:
  name: retrain
  namespace: ml-training
spec:
  schedule: "0 3 * * *"
${spec}  jobTemplate:
    spec:
${jobSpec}      template:
        spec:
          restartPolicy: Never
          containers:
            - name: train
              image: trainer:1.0.0
`;
const safe = '  concurrencyPolicy: Forbid\n  startingDeadlineSeconds: 600\n';

ruleTester(rule, {
  valid: [
    { name: 'Forbid, deadline and backoffLimit', yaml: cronJob(safe) },
    { name: 'Replace', yaml: cronJob('  concurrencyPolicy: Replace\n  startingDeadlineSeconds: 60\n') },
    { name: 'backoffLimit 0 is explicit', yaml: cronJob(safe, '      backoffLimit: 0\n') },
    { name: 'backoffLimitPerIndex for indexed jobs', yaml: cronJob(safe, '      completionMode: Indexed\n      completions: 4\n      backoffLimitPerIndex: 1\n') },
    { name: 'Allow accepted by option', yaml: cronJob('  concurrencyPolicy: Allow\n  startingDeadlineSeconds: 600\n'), options: { allowConcurrent: true } },
    { name: 'deadline not required by option', yaml: cronJob('  concurrencyPolicy: Forbid\n'), options: { requireStartingDeadline: false } },
    { name: 'backoffLimit not required by option', yaml: cronJob(safe, ''), options: { requireBackoffLimit: false } },
    { name: 'a Job is not a CronJob', yaml: 'apiVersion: batch/v1\nkind: Job\nmetadata: { name: j, namespace: ml }\nspec:\n  template:\n    spec:\n      containers: [{ name: a, image: "a:1" }]\n' },
  ],
  invalid: [
    {
      name: 'nothing set: three findings at spec and jobTemplate.spec',
      yaml: cronJob('', ''),
      errors: [
        { messageId: 'concurrencyUnset', line: 6, path: 'spec.concurrencyPolicy', severity: 'warning' },
        // Advice (info), and true of the CronJob controller v2: only the latest missed run starts, late; no burst, no stop after 100.
        { messageId: 'noStartingDeadline', line: 6, path: 'spec.startingDeadlineSeconds', severity: 'info', message: 'startingDeadlineSeconds is not set: after a controller outage or a suspension, the latest missed run still starts, however late' },
        { messageId: 'noBackoffLimit', line: 9, path: 'spec.jobTemplate.spec.backoffLimit', severity: 'info' },
      ],
    },
    {
      name: 'Allow written explicitly, pointing at the value',
      yaml: cronJob('  concurrencyPolicy: Allow\n  startingDeadlineSeconds: 600\n'),
      errors: [{ messageId: 'concurrencyAllow', line: 8, column: 22, message: 'concurrencyPolicy is "Allow": a run that outlasts its interval overlaps with the next; set Forbid or Replace' }],
    },
    {
      name: 'a misspelt policy is not safe either',
      yaml: cronJob('  concurrencyPolicy: forbid\n  startingDeadlineSeconds: 600\n'),
      errors: [{ messageId: 'concurrencyAllow', line: 8 }],
    },
    {
      name: 'deadline shorter than the controller period',
      yaml: cronJob('  concurrencyPolicy: Forbid\n  startingDeadlineSeconds: 5\n'),
      errors: [{ messageId: 'shortStartingDeadline', line: 9, message: /is 5, below 10/ }],
    },
    {
      name: 'minStartingDeadlineSeconds option',
      yaml: cronJob('  concurrencyPolicy: Forbid\n  startingDeadlineSeconds: 60\n'),
      options: { minStartingDeadlineSeconds: 300 },
      errors: [{ messageId: 'shortStartingDeadline', line: 9 }],
    },
    {
      name: 'backoffLimit null',
      yaml: cronJob(safe, '      backoffLimit: null\n'),
      errors: [{ messageId: 'noBackoffLimit', line: 12 }],
    },
    {
      name: 'two CronJobs in different directories',
      files: {
        'training/retrain.yaml': cronJob(safe),
        'monitoring/drift.yaml': cronJob('  concurrencyPolicy: Replace\n').replace('retrain', 'drift'),
      },
      errors: [{ messageId: 'noStartingDeadline', line: 6, file: 'monitoring/drift.yaml' }],
    },
  ],
});
