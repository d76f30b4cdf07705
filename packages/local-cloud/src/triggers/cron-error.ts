import { WxhubError } from '@wxhub/core';

/** The seven fields of WeChat's timer cron, in order. */
export const CRON_FIELDS = ['second', 'minute', 'hour', 'day', 'month', 'week', 'year'] as const;
export type CronFieldName = (typeof CRON_FIELDS)[number];

/**
 * A timer trigger's cron expression WeChat would not accept. `field` names the offending field
 * ('expression' when the field count is wrong), so a config.json mistake is found at once.
 */
export class CronSpecError extends WxhubError {
  readonly code = 'CRON_SPEC';
  readonly transient = false;
  constructor(
    readonly spec: string,
    readonly field: CronFieldName | 'expression',
    readonly reason: string,
  ) {
    super(
      field === 'expression'
        ? `invalid cron expression "${spec}": ${reason}`
        : `invalid cron expression "${spec}": ${field} field (${CRON_FIELDS.indexOf(field) + 1} of 7): ${reason}`,
    );
  }
}
