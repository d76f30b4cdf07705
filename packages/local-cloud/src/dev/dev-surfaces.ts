import type { EventEmitter } from 'node:events';
import type { Clock } from '@wxhub/core';
import { AdminApi, type AdminApiOptions } from '../admin-api';
import { ClientCallApi, ClientDatabaseApi, ClientStorageApi } from '../client-api';
import { consoleService } from '../console';
import type { LocalCloud } from '../local-cloud';
import { TriggerScheduler, type CronOptions, type TriggerRun } from '../triggers';

/**
 * What both dev servers (`pnpm local-cloud` on this repository's configuration, `wxhub dev` on
 * WeChat devtools projects) serve besides the cloud itself, mounted the same way by each: the
 * browser console, pages' client calls, database and storage requests (under each environment's
 * permissions), and the admin API. Only what the admin API lists differs: the caller says which
 * functions are deployed and, for the repository, its Baidu clients and `--export`.
 */
export function mountDevSurfaces(cloud: LocalCloud, admin: Omit<AdminApiOptions, 'cloud'>): void {
  cloud.mount(consoleService());
  cloud.mount(new ClientCallApi({ apps: cloud.apps, runtime: cloud.functions }).service);
  cloud.mount(new ClientDatabaseApi({ apps: cloud.apps, backend: cloud.backend, permissions: cloud.permissions, clock: cloud.clock }).service);
  cloud.mount(new ClientStorageApi({ apps: cloud.apps, storage: cloud.storage, permissions: cloud.permissions, clock: cloud.clock }).service);
  cloud.mount(new AdminApi({ cloud, ...admin }).service);
}

export interface DevTriggerOptions {
  /** Real-time period of the check for due triggers; default 1000 ms, 0 = never (call scheduler.runDue()). */
  readonly intervalMs?: number;
  readonly cron?: CronOptions;
}

/** The timer triggers of a dev server, and how it schedules a function's trigger. */
export interface DevTriggers {
  readonly scheduler: TriggerScheduler;
  /**
   * Schedules a deployed function's timer trigger (none: nothing). A trigger WeChat would refuse
   * is a warning, not a stop: added to `warnings`, and emitted as `warning` when `announce`.
   */
  scheduleOrWarn(target: { readonly envId: string; readonly name: string; readonly dir: string; readonly label?: string }, announce: boolean): void;
  /** Starts firing due triggers (unless intervalMs is 0). */
  start(): void;
}

/**
 * The timer triggers of both dev servers: one scheduler on the cloud's runtime, each run emitted
 * as `trigger-run` on `events`, fired every `intervalMs` once started.
 */
export function devTriggers(cloud: LocalCloud, events: EventEmitter, warnings: string[], options: DevTriggerOptions = {}, clock?: Clock): DevTriggers {
  const scheduler = new TriggerScheduler({ runtime: cloud.functions, clock, cron: options.cron });
  scheduler.onRun((run: TriggerRun) => events.emit('trigger-run', run));
  return {
    scheduler,
    scheduleOrWarn: (target, announce) => {
      try {
        scheduler.register({ envId: target.envId, name: target.name, dir: target.dir });
      } catch (error) {
        const warning = `function ${target.label ?? target.name}: its timer trigger is not scheduled: ${(error as Error).message}`;
        warnings.push(warning);
        if (announce) events.emit('warning', warning);
      }
    },
    start: () => {
      const intervalMs = options.intervalMs ?? 1000;
      if (intervalMs > 0) scheduler.start(intervalMs);
    },
  };
}
