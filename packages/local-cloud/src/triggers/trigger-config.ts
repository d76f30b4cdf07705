import * as path from 'node:path';
import { ConfigError, readJsonObjectFile } from '@wxhub/core';
import { parseCron, type CronOptions, type CronSchedule } from './cron';

/** A function's timer trigger as config.json declares it, with its schedule parsed. */
export interface TimerTrigger {
  /** `triggers[0].name`: what the function sees as `event.TriggerName`. */
  readonly name: string;
  /** `triggers[0].config`: the cron expression as written. */
  readonly config: string;
  readonly schedule: CronSchedule;
}

/** WeChat: up to 60 characters of a-z A-Z 0-9 - _, starting with a letter. */
const TRIGGER_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/;

/**
 * The timer trigger of the function built in `dir` (its config.json), or undefined when it has
 * none. What WeChat refuses at deploy time is refused here with a ConfigError naming the field:
 * more than one trigger, a type other than `timer`, a bad name, a bad cron expression.
 */
export function readTimerTrigger(dir: string, options: CronOptions = {}): TimerTrigger | undefined {
  const file = path.join(dir, 'config.json');
  const parsed = readJsonObjectFile(file);
  if (parsed === undefined) return undefined;
  return parseTriggers((parsed as { triggers?: unknown }).triggers, file, options);
}

/** Validates a config.json `triggers` value (see readTimerTrigger). */
export function parseTriggers(triggers: unknown, where: string, options: CronOptions = {}): TimerTrigger | undefined {
  if (triggers === undefined) return undefined;
  if (!Array.isArray(triggers)) throw new ConfigError(`${where} triggers`, 'must be an array');
  if (triggers.length === 0) return undefined;
  if (triggers.length > 1) throw new ConfigError(`${where} triggers`, 'WeChat supports one trigger per function');
  const trigger: unknown = triggers[0];
  if (typeof trigger !== 'object' || trigger === null) throw new ConfigError(`${where} triggers[0]`, 'must be an object');
  const { name, type, config } = trigger as { name?: unknown; type?: unknown; config?: unknown };
  if (type !== 'timer') throw new ConfigError(`${where} triggers[0].type`, 'must be "timer" (the only trigger type WeChat supports)');
  if (typeof name !== 'string' || !TRIGGER_NAME.test(name)) {
    throw new ConfigError(`${where} triggers[0].name`, 'must be 1-60 characters of a-z A-Z 0-9 - _, starting with a letter');
  }
  if (typeof config !== 'string') throw new ConfigError(`${where} triggers[0].config`, 'must be a cron expression string');
  return { name, config, schedule: parseCron(config, options) };
}
