import rule from '../../src/rules/cronjob-schedule-valid.js';
import { ruleTester } from '../rule-tester.js';

const cronJob = (schedule: string, extra = '') => `apiVersion: batch/v1
kind: CronJob
metadata:
  name: retrain
  namespace: ml-training
spec:
  schedule: ${JSON.stringify(schedule)}
${extra}  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: train
              image: trainer:1.0.0
`;

ruleTester(rule, {
  valid: [
    { name: 'every 30 minutes', yaml: cronJob('*/30 * * * *') },
    { name: 'day names, ranges and lists', yaml: cronJob('0,30 9-17 * * MON-FRI') },
    { name: 'lower-case names', yaml: cronJob('5 4 * * sun') },
    { name: 'month names and a step on a range', yaml: cronJob('0 0 1-31/2 JAN-MAR *') },
    { name: 'a step from a start value', yaml: cronJob('5/15 * * * *') },
    { name: 'question mark', yaml: cronJob('0 0 ? * 1') },
    { name: '29 February occurs in leap years', yaml: cronJob('0 0 29 2 *') },
    { name: 'surrounding spaces', yaml: cronJob('  0 3 * * *  ') },
    ...['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'].map((m) => ({ name: m, yaml: cronJob(m) })),
    { name: '@every with a Go duration', yaml: cronJob('@every 1h30m') },
    { name: 'IANA zone', yaml: cronJob('0 3 * * *', '  timeZone: Europe/Berlin\n') },
    { name: 'UTC and Etc zones', yaml: cronJob('0 3 * * *', '  timeZone: Etc/GMT+5\n') + '---\n' + cronJob('0 4 * * *', '  timeZone: UTC\n').replace('retrain', 'r2') },
    { name: 'legacy alias zone', yaml: cronJob('0 3 * * *', '  timeZone: US/Eastern\n') },
    { name: 'null timeZone', yaml: cronJob('0 3 * * *', '  timeZone: null\n') },
    { name: 'not a CronJob', yaml: 'apiVersion: batch/v1\nkind: Job\nmetadata: { name: j }\nspec:\n  schedule: "nonsense"\n' },
  ],
  invalid: [
    {
      name: 'seconds field (6 fields), pointing at the schedule value',
      yaml: cronJob('0 0 3 * * MON'),
      errors: [{ messageId: 'fieldCount', line: 7, column: 13, path: 'spec.schedule',
        message: 'schedule "0 0 3 * * MON" has 6 fields; Kubernetes expects exactly 5 (minute hour day-of-month month day-of-week); a seconds or year field is not supported' }],
    },
    { name: 'four fields', yaml: cronJob('0 3 * *'), errors: [{ messageId: 'fieldCount', line: 7 }] },
    { name: 'minute out of range', yaml: cronJob('60 * * * *'), errors: [{ messageId: 'invalid', line: 7, message: /60 expected range 0-59/ }] },
    { name: 'hour out of range', yaml: cronJob('0 24 * * *'), errors: [{ messageId: 'invalid', line: 7 }] },
    { name: 'reversed range', yaml: cronJob('0 3-1 * * *'), errors: [{ messageId: 'invalid', line: 7 }] },
    { name: 'zero step', yaml: cronJob('*/0 * * * *'), errors: [{ messageId: 'invalid', line: 7 }] },
    { name: 'empty list element', yaml: cronJob('0 1,,2 * * *'), errors: [{ messageId: 'unsupported', line: 7 }] },
    { name: 'Quartz L', yaml: cronJob('0 0 L * *'), errors: [{ messageId: 'unsupported', line: 7, message: /"L" in the day-of-month field .*Quartz/ }] },
    { name: 'Quartz #', yaml: cronJob('0 0 * * 1#2'), errors: [{ messageId: 'unsupported', line: 7 }] },
    { name: 'Jenkins H', yaml: cronJob('H 3 * * *'), errors: [{ messageId: 'unsupported', line: 7, message: /Jenkins/ }] },
    { name: 'Sunday as 7', yaml: cronJob('0 3 * * 5-7'), errors: [{ messageId: 'unsupported', line: 7, message: /use 0 for Sunday/ }] },
    { name: 'day name in the month field', yaml: cronJob('0 3 * MON *'), errors: [{ messageId: 'unsupported', line: 7 }] },
    { name: '30 February never occurs', yaml: cronJob('0 0 30 2 *'), errors: [{ messageId: 'neverRuns', line: 7 }] },
    { name: '31 April and June never occur', yaml: cronJob('0 0 31 4,6 *'), errors: [{ messageId: 'neverRuns', line: 7 }] },
    { name: 'unknown macro', yaml: cronJob('@reboot'), errors: [{ messageId: 'unknownMacro', line: 7 }] },
    { name: 'macros are case-sensitive', yaml: cronJob('@Daily'), errors: [{ messageId: 'unknownMacro', line: 7 }] },
    { name: '@every with a bad duration', yaml: cronJob('@every 5 minutes'), errors: [{ messageId: 'invalid', line: 7 }] },
    { name: '@every forbidden by option', yaml: cronJob('@every 6h'), options: { allowEveryMacro: false }, errors: [{ messageId: 'everyMacro', line: 7 }] },
    { name: 'CRON_TZ in the schedule', yaml: cronJob('CRON_TZ=UTC 0 3 * * *'), errors: [{ messageId: 'tzInSchedule', line: 7 }] },
    {
      name: 'TZ in the schedule and timeZone set',
      yaml: cronJob('TZ=Europe/Berlin 0 3 * * *', '  timeZone: Europe/Berlin\n'),
      errors: [{ messageId: 'tzInSchedule', line: 7 }],
    },
    { name: 'empty schedule', yaml: cronJob(''), errors: [{ messageId: 'missing', line: 7 }] },
    {
      name: 'no schedule at all: points at spec',
      yaml: 'apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: c }\nspec:\n  jobTemplate: {}\n',
      errors: [{ messageId: 'missing', line: 4 }],
    },
    {
      name: 'timeZone misspelt, with a suggestion',
      yaml: cronJob('0 3 * * *', '  timeZone: Europe/Berln\n'),
      errors: [{ messageId: 'badTimeZone', line: 8, column: 13, path: 'spec.timeZone', message: 'timeZone "Europe/Berln" is not a time zone of the IANA database; did you mean "Europe/Berlin"?' }],
    },
    { name: 'timeZone in the wrong case', yaml: cronJob('0 3 * * *', '  timeZone: europe/berlin\n'), errors: [{ messageId: 'badTimeZone', line: 8, message: /did you mean "Europe\/Berlin"/ }] },
    { name: 'timeZone Local', yaml: cronJob('0 3 * * *', '  timeZone: Local\n'), errors: [{ messageId: 'badTimeZone', line: 8, message: /Local/ }] },
    { name: 'timeZone as an offset', yaml: cronJob('0 3 * * *', '  timeZone: "+01:00"\n'), errors: [{ messageId: 'badTimeZone', line: 8 }] },
    { name: 'timeZone empty', yaml: cronJob('0 3 * * *', '  timeZone: ""\n'), errors: [{ messageId: 'badTimeZone', line: 8 }] },
    {
      name: 'across files: each CronJob reported in its own file',
      files: {
        'training/retrain.yaml': cronJob('0 3 * * 7'),
        'monitoring/drift.yaml': `# drift detection\n${cronJob('*/15 * * * *', '  timeZone: Mars/Olympus_Mons\n').replace('retrain', 'drift')}`,
      },
      errors: [
        { messageId: 'badTimeZone', line: 9, file: 'monitoring/drift.yaml' },
        { messageId: 'unsupported', line: 7, file: 'training/retrain.yaml' },
      ],
    },
  ],
});
