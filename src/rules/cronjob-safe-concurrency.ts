import { defineRule, type Report } from './define-rule.js';
import { getAt } from '../engine/extract.js';

export interface CronjobSafeConcurrencyOptions {
  allowConcurrent: boolean;
  requireStartingDeadline: boolean;
  minStartingDeadlineSeconds: number;
  requireBackoffLimit: boolean;
}

const SAFE_POLICIES = new Set(['Forbid', 'Replace']);

export default defineRule<CronjobSafeConcurrencyOptions>({
  meta: {
    id: 'cronjob-safe-concurrency',
    severity: 'warning',
    recommended: true,
    description: 'CronJobs must not overlap or pile up: concurrencyPolicy Forbid/Replace, startingDeadlineSeconds and backoffLimit set',
    kinds: ['CronJob'],
    remediation: 'Set spec.concurrencyPolicy: Forbid (or Replace), spec.startingDeadlineSeconds (e.g. 600) and spec.jobTemplate.spec.backoffLimit (e.g. 1).',
    docs: {
      why:
        'With the default `concurrencyPolicy: Allow`, a retraining run that outlasts its interval overlaps with the ' +
        'next one: two jobs compete for the same GPUs and write the same model version. Without ' +
        '`startingDeadlineSeconds`, the most recently missed run still starts when the controller recovers from an outage ' +
        'or the CronJob is resumed, however late that is (the CronJob controller v2, the default since Kubernetes 1.21, ' +
        'starts only the latest missed schedule; more than 100 missed schedules only raise a `TooManyMissedTimes` ' +
        'event — kubernetes pkg/controller/cronjob/utils.go). Without an explicit `backoffLimit`, a failing job is ' +
        'retried 6 times, each a full training run. The last two are advice (`info`): whether a late run or six retries ' +
        'hurt depends on the job.',
      checks:
        'Every CronJob: `spec.concurrencyPolicy` must be `Forbid` or `Replace` (unset means `Allow`; accepted with ' +
        '`allowConcurrent`); `spec.startingDeadlineSeconds` must be set (unless `requireStartingDeadline` is false) and ' +
        'at least `minStartingDeadlineSeconds` (the controller checks schedules about every 10 seconds, so a shorter ' +
        'deadline can skip runs); `spec.jobTemplate.spec.backoffLimit` must be set explicitly (unless ' +
        '`requireBackoffLimit` is false).',
      fix:
        'Set `concurrencyPolicy: Forbid` for jobs that must not overlap (`Replace` when only the newest run matters), ' +
        '`startingDeadlineSeconds` to how late a run may still start (e.g. 600), and `backoffLimit` on the job template ' +
        'to the retries a run deserves.',
      examples: {
        incorrect: `apiVersion: batch/v1
kind: CronJob
metadata: { name: retrain, namespace: ml-training }
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{ name: train, image: "trainer:1.0.0" }]
`,
        correct: `apiVersion: batch/v1
kind: CronJob
metadata: { name: retrain, namespace: ml-training }
spec:
  schedule: "0 * * * *"
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: 600
  jobTemplate:
    spec:
      backoffLimit: 1
      template:
        spec:
          restartPolicy: Never
          containers: [{ name: train, image: "trainer:1.0.0" }]
`,
      },
    },
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        allowConcurrent: {
          type: 'boolean',
          description: 'Accept `concurrencyPolicy: Allow` (or unset), e.g. for idempotent, short jobs.',
        },
        requireStartingDeadline: {
          type: 'boolean',
          description: 'Require `spec.startingDeadlineSeconds`.',
        },
        minStartingDeadlineSeconds: {
          type: 'integer',
          minimum: 0,
          description: 'Smallest accepted `startingDeadlineSeconds` (the controller checks schedules about every 10 seconds).',
        },
        requireBackoffLimit: {
          type: 'boolean',
          description: 'Require an explicit `spec.jobTemplate.spec.backoffLimit`.',
        },
      },
    },
    defaultOptions: { allowConcurrent: false, requireStartingDeadline: true, minStartingDeadlineSeconds: 10, requireBackoffLimit: true },
    messages: {
      concurrencyUnset: 'concurrencyPolicy is not set, so it is Allow: a run that outlasts its interval overlaps with the next; set Forbid or Replace',
      concurrencyAllow: 'concurrencyPolicy is {{policy}}: a run that outlasts its interval overlaps with the next; set Forbid or Replace',
      noStartingDeadline: 'startingDeadlineSeconds is not set: after a controller outage or a suspension, the latest missed run still starts, however late',
      shortStartingDeadline: 'startingDeadlineSeconds is {{seconds}}, below {{min}}: the controller checks schedules about every 10 seconds and may skip runs',
      noBackoffLimit: 'the job template does not set backoffLimit, so a failing run is retried 6 times',
    },
  },

  check({ object, options }) {
    const reports: Report[] = [];
    const spec = getAt(object.object, ['spec']);
    const policy = getAt(spec, ['concurrencyPolicy']);
    if (!options.allowConcurrent) {
      if (policy === undefined || policy === null) {
        reports.push({ messageId: 'concurrencyUnset', path: ['spec', 'concurrencyPolicy'] });
      } else if (typeof policy !== 'string' || !SAFE_POLICIES.has(policy)) {
        // Unknown values (e.g. "forbid") are schema-valid's finding as well; here they are unsafe in any case.
        reports.push({ messageId: 'concurrencyAllow', data: { policy: JSON.stringify(policy) }, path: ['spec', 'concurrencyPolicy'] });
      }
    }
    const deadline = getAt(spec, ['startingDeadlineSeconds']);
    if (deadline === undefined || deadline === null) {
      // Advice: whether a late run hurts depends on the job.
      if (options.requireStartingDeadline) reports.push({ messageId: 'noStartingDeadline', path: ['spec', 'startingDeadlineSeconds'], maxSeverity: 'info' });
    } else if (typeof deadline === 'number' && deadline < options.minStartingDeadlineSeconds) {
      reports.push({
        messageId: 'shortStartingDeadline',
        data: { seconds: deadline, min: options.minStartingDeadlineSeconds },
        path: ['spec', 'startingDeadlineSeconds'],
      });
    }
    const backoffLimit = getAt(spec, ['jobTemplate', 'spec', 'backoffLimit']);
    const perIndex = getAt(spec, ['jobTemplate', 'spec', 'backoffLimitPerIndex']);
    const unset = (value: unknown) => value === undefined || value === null;
    if (options.requireBackoffLimit && unset(backoffLimit) && unset(perIndex)) {
      // Advice: six retries are Kubernetes' default, and right for many jobs.
      reports.push({ messageId: 'noBackoffLimit', path: ['spec', 'jobTemplate', 'spec', 'backoffLimit'], maxSeverity: 'info' });
    }
    return reports;
  },
});
