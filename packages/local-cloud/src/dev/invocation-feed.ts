import type { LocalCloud } from '../local-cloud';
import type { InvocationRecord } from '../openapi/token-issuing-runtime';
import type { FunctionLogEntry } from '../runtime/function-logs';

/** One answered or failed invocation with the console lines it printed. */
export interface DevInvocation extends InvocationRecord {
  /** The mini program whose environment ran it (its name), or the env id. */
  readonly app: string;
  readonly at: number;
  readonly logs: readonly FunctionLogEntry[];
}

/**
 * Calls `listener` after every invocation of the cloud's functions with what the terminal line
 * needs: the app, and the console output of that invocation (runtime notes left out). The one
 * feed of both `wxhub dev` and `pnpm local-cloud`. Returns the unsubscribe.
 */
export function invocationFeed(cloud: LocalCloud, listener: (invocation: DevInvocation) => void): () => void {
  return cloud.functions.onInvocation((record) => {
    const logs = record.requestId ? cloud.functions.logs(record.envId, record.name, record.requestId).filter((entry) => entry.level !== 'runtime') : [];
    const app = cloud.apps.find((candidate) => candidate.envId === record.envId)?.name ?? record.envId;
    listener({ ...record, app, at: cloud.clock.now(), logs });
  });
}
