export { CRON_FIELDS, CronSpecError, type CronFieldName } from './cron-error';
export { parseCron, BEIJING_UTC_OFFSET_MINUTES, type CronOptions, type CronSchedule, type WeekdayZero } from './cron';
export { readTimerTrigger, parseTriggers, type TimerTrigger } from './trigger-config';
export {
  TriggerScheduler,
  NoTimerTriggerError,
  timerTime,
  type TimerEvent,
  type TriggerInvoker,
  type TriggerRun,
  type TriggerSchedulerOptions,
  type TriggerStatus,
} from './trigger-scheduler';
