import { defineRule, type Report } from './define-rule.js';
import { getAt } from '../engine/extract.js';
import { lazyModule, lazyRequire } from './utils/lazy-module.js';
import { closestString } from './utils/strings.js';

export interface CronjobScheduleValidOptions {
  allowEveryMacro: boolean;
}

/** Macros of robfig/cron's standard parser, which the Kubernetes API server uses to validate `spec.schedule`. */
const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const FIELD_NAMES = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'];
const MONTH_NAMES = new Set(['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']);
const DAY_NAMES = new Set(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']);
/** One comma-separated part of a field, as robfig/cron reads it: `*`, `?`, `a`, `a-b`, each with an optional `/step`. */
const PART = /^(?:\*|\?|([0-9A-Za-z]+)(?:-([0-9A-Za-z]+))?)(?:\/([0-9]+))?$/;
/** Go's `time.ParseDuration` syntax, e.g. `1h30m`, `90s`. */
const GO_DURATION = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|ms|s|m|h)(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|ms|s|m|h))*$/;
/** Kubernetes' check of each `/`-separated part of `spec.timeZone` before it loads the zone. */
const TIME_ZONE_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

type CronParserModule = typeof import('cron-parser');
// cron-parser (and luxon under it) load only when a CronJob is checked.
const cronParser = lazyModule(() => lazyRequire('cron-parser') as CronParserModule);

let zoneNames: Set<string> | undefined;
const zoneNameSet = (): Set<string> => (zoneNames ??= new Set(Intl.supportedValuesOf('timeZone')));

export default defineRule<CronjobScheduleValidOptions>({
  meta: {
    id: 'cronjob-schedule-valid',
    severity: 'error',
    recommended: true,
    description: 'CronJob schedules must be cron expressions the API accepts and that fire; timeZone must be an IANA zone',
    kinds: ['CronJob'],
    remediation: 'Write a 5-field schedule (minute hour day-of-month month day-of-week) or a macro such as @daily, and set spec.timeZone to an IANA zone such as Europe/Berlin.',
    docs: {
      why:
        'A schedule the API server cannot parse fails `kubectl apply`, usually in the middle of a GitOps sync; worse, ' +
        'some schedules parse but name a date that never occurs (`0 0 30 2 *`), so the retraining or drift job ' +
        'silently never runs. Schedules copied from Quartz, Jenkins or crontab(5) dialects (a seconds field, `L`, ' +
        '`W`, `#`, `H`, Sunday as `7`) are rejected by Kubernetes, which uses the standard parser of robfig/cron.',
      checks:
        '`spec.schedule` of every CronJob, as the Kubernetes API server validates it: exactly 5 fields (minute, hour, ' +
        'day of month, month, day of week) with `*`, `?`, numbers, ranges `a-b`, steps `/n`, lists `a,b` and the names ' +
        '`JAN`–`DEC` and `SUN`–`SAT` (any case); or one of the macros `@yearly`, `@annually`, `@monthly`, `@weekly`, ' +
        '`@daily`, `@midnight`, `@hourly`; or `@every <duration>` (accepted by the API, allowed unless ' +
        '`allowEveryMacro` is false). Values out of range, a 6-field form with seconds or a year, Quartz/Jenkins ' +
        'tokens (`L`, `W`, `#`, `H`), day of week `7`, and dates that never occur (30 February, 31 April) are ' +
        'findings. `TZ=`/`CRON_TZ=` inside the schedule is a finding too: the API rejects it for new objects; use ' +
        '`spec.timeZone`. `spec.timeZone`, when set, must be a time zone of the IANA database in its exact spelling ' +
        '(`Europe/Berlin`, `UTC`, `Etc/GMT+5`), not `Local`, an empty string or an offset such as `+01:00`. Ranges, ' +
        'steps and bounds are checked with the `cron-parser` package.',
      fix:
        'Use five fields (`0 3 * * 1` for Mondays at 03:00) or a macro, drop seconds and Quartz tokens, use `0` for ' +
        'Sunday, move the zone from `CRON_TZ=` to `spec.timeZone`, and spell the zone as in the IANA database.',
      examples: {
        incorrect: `apiVersion: batch/v1
kind: CronJob
metadata: { name: retrain, namespace: ml-training }
spec:
  schedule: "0 0 3 * * MON"
  timeZone: Europe/Berlín
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
  schedule: "0 3 * * MON"
  timeZone: Europe/Berlin
  jobTemplate:
    spec:
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
        allowEveryMacro: {
          type: 'boolean',
          description:
            'Accept `@every <duration>` (e.g. `@every 6h`). The API server accepts it, but it is not standard cron and its runs drift from wall-clock times.',
        },
      },
    },
    defaultOptions: { allowEveryMacro: true },
    messages: {
      missing: 'CronJob has no schedule (spec.schedule must be a non-empty string)',
      fieldCount: 'schedule "{{schedule}}" has {{count}} fields; Kubernetes expects exactly 5 (minute hour day-of-month month day-of-week){{hint}}',
      unsupported: 'schedule "{{schedule}}": "{{token}}" in the {{field}} field is not supported by the Kubernetes cron parser{{hint}}',
      invalid: 'schedule "{{schedule}}" is not a valid cron expression: {{reason}}',
      unknownMacro: 'schedule "{{schedule}}" is not a macro Kubernetes knows; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly',
      everyMacro: 'schedule "{{schedule}}" uses @every, which allowEveryMacro forbids; write a 5-field schedule',
      neverRuns: 'schedule "{{schedule}}" names a date that never occurs, so the CronJob never runs',
      tzInSchedule: 'schedule "{{schedule}}" sets its time zone with TZ= or CRON_TZ=, which the API rejects; set spec.timeZone instead',
      badTimeZone: 'timeZone "{{timeZone}}" is not a time zone of the IANA database{{hint}}',
    },
  },

  check({ object, options }) {
    const reports: Report[] = [];
    const spec = getAt(object.object, ['spec']);
    const schedule = getAt(spec, ['schedule']);
    if (typeof schedule !== 'string' || schedule.trim() === '') {
      reports.push({ messageId: 'missing', path: ['spec', 'schedule'] });
    } else {
      const problem = checkSchedule(schedule, options);
      if (problem) reports.push({ ...problem, data: { schedule, ...problem.data }, path: ['spec', 'schedule'] });
    }
    const timeZone = getAt(spec, ['timeZone']);
    if (timeZone !== undefined && timeZone !== null) {
      const hint = timeZoneProblem(timeZone);
      if (hint !== undefined) {
        reports.push({ messageId: 'badTimeZone', data: { timeZone: String(timeZone), hint }, path: ['spec', 'timeZone'] });
      }
    }
    return reports;
  },
});

interface Problem {
  messageId: string;
  data?: Record<string, string | number>;
}

/** A schedule as the API server validates it (robfig/cron `ParseStandard` plus the TZ check), or undefined when fine. */
function checkSchedule(schedule: string, options: CronjobScheduleValidOptions): Problem | undefined {
  if (schedule.includes('TZ')) return { messageId: 'tzInSchedule' };
  const spec = schedule.trim();
  if (spec.startsWith('@')) {
    if (MACROS.has(spec)) return undefined;
    if (spec.startsWith('@every ')) {
      if (!options.allowEveryMacro) return { messageId: 'everyMacro' };
      const duration = spec.slice('@every '.length).trim();
      return GO_DURATION.test(duration) ? undefined : { messageId: 'invalid', data: { reason: `"${duration}" is not a duration such as 30m or 6h` } };
    }
    return { messageId: 'unknownMacro' };
  }
  const fields = spec.split(/\s+/);
  if (fields.length !== 5) {
    const hint = fields.length === 6 ? '; a seconds or year field is not supported' : '';
    return { messageId: 'fieldCount', data: { count: fields.length, hint } };
  }
  for (let i = 0; i < 5; i++) {
    const problem = checkField(fields[i], i);
    if (problem) return problem;
  }
  try {
    cronParser().CronExpressionParser.parse(fields.join(' ').replace(/\?/g, '*'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (/explicit day of month/i.test(reason)) return { messageId: 'neverRuns' };
    return { messageId: 'invalid', data: { reason: reason.replace(/^Validation error,\s*/i, '') } };
  }
  return undefined;
}

/** Syntax robfig/cron rejects but other cron dialects (and cron-parser) accept. */
function checkField(field: string, index: number): Problem | undefined {
  const fieldName = FIELD_NAMES[index];
  for (const part of field.split(',')) {
    const match = PART.exec(part);
    if (!match) {
      const token = /[LW#H]/.exec(part) ? part : part === '' ? field : part;
      return { messageId: 'unsupported', data: { token, field: fieldName, hint: dialectHint(part) } };
    }
    for (const value of [match[1], match[2]]) {
      if (value === undefined || /^[0-9]+$/.test(value)) continue;
      const names = index === 3 ? MONTH_NAMES : index === 4 ? DAY_NAMES : undefined;
      if (!names || !names.has(value.toLowerCase())) {
        return { messageId: 'unsupported', data: { token: value, field: fieldName, hint: dialectHint(value) } };
      }
    }
    if (index === 4 && (match[1] === '7' || match[2] === '7')) {
      return { messageId: 'unsupported', data: { token: '7', field: fieldName, hint: ' (day of week runs 0-6; use 0 for Sunday)' } };
    }
  }
  return undefined;
}

function dialectHint(token: string): string {
  if (token === '') return ' (empty list element)';
  if (/^H\b|^H[(/]|^H$/.test(token)) return ' (H is Jenkins syntax)';
  if (/[LW#]/.test(token)) return ' (L, W and # are Quartz syntax)';
  return '';
}

/** Why `timeZone` is not what Kubernetes accepts (as a " (…)" hint, possibly empty), or undefined when it is fine. */
function timeZoneProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return ' (it must be a string)';
  if (value === '') return ' (an empty string; omit the field to use the controller\'s zone)';
  if (value.toLowerCase() === 'local') return ' ("Local" is not allowed; name the zone explicitly)';
  if (value.split('/').some((part) => part === '.' || part === '..' || part.startsWith('-') || !TIME_ZONE_PART.test(part))) {
    return suggestion(value);
  }
  const zones = zoneNameSet();
  if (zones.has(value) || value === 'UTC') return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return suggestion(value);
  }
  // Intl matches names case-insensitively; the zone files Kubernetes reads do not.
  if (resolved.toLowerCase() === value.toLowerCase() && resolved !== value) return `; did you mean "${resolved}"?`;
  return undefined;
}

function suggestion(value: string): string {
  const close = closestString(value, zoneNameSet());
  return close ? `; did you mean "${close}"?` : '';
}
