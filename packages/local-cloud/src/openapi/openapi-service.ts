import type { Clock } from '@wxhub/core';
import type { AppConfig } from '../config';
import type { CallerIdentity } from '../sdk-backend/sdk-env';
import { CODE_IMAGE_APIS } from './code-image';
import { msgSecCheck } from './content-check';
import { sendCustomerServiceMessage } from './customer-service';

/** A media field of a cloud call (an image to upload...), as the SDK sent it. */
export interface OpenApiMedia {
  readonly value: Buffer;
  readonly contentType?: string;
  readonly filename?: string;
}

/** One cloud call (云调用) that reached "WeChat": what was asked, by whom, and what was answered. */
export interface OpenApiCall {
  /** The environment the SDK called through. */
  readonly envId: string;
  /** The mini program the call acts for: the one asked for (cloud.openapi({appid})) or the environment's own. */
  readonly appid: string;
  readonly functionName: string;
  /** The user the calling invocation runs for. */
  readonly caller: CallerIdentity;
  /** e.g. `customerServiceMessage.send`. */
  readonly apiName: string;
  /** WeChat's JSON request as the SDK built it (snake_case keys), media fields left out. */
  readonly request: Readonly<Record<string, unknown>>;
  readonly media: Readonly<Record<string, OpenApiMedia>>;
  /** WeChat's JSON answer. */
  readonly response: Readonly<Record<string, unknown>>;
  /** Clock time of the call. */
  readonly at: number;
}

export type OpenApiRequest = Omit<OpenApiCall, 'response' | 'at'>;

/** A canned answer: WeChat's JSON, or a function of the call that builds it. */
export type OpenApiAnswer = Readonly<Record<string, unknown>> | ((call: OpenApiRequest) => Readonly<Record<string, unknown>>);

/** Built-in behaviour of APIs the local cloud knows; any other answers `{errcode: 0, errmsg: 'ok'}`. */
const BUILT_IN: Readonly<Record<string, (request: Readonly<Record<string, unknown>>, nowMs: number) => Record<string, unknown>>> = {
  'customerServiceMessage.send': sendCustomerServiceMessage,
  'security.msgSecCheck': msgSecCheck,
  // Recorded as JSON; the image itself is made by the wx.openApi action (code-image.ts).
  ...Object.fromEntries([...CODE_IMAGE_APIS].map((name) => [name, () => ({ errcode: 0, errmsg: 'ok', contentType: 'image/png' })])),
};

/**
 * WeChat's side of cloud calls: records every call per environment so tests can read what was
 * sent, and answers from a canned answer (`respond`), the built-in behaviour, or a plain ok.
 */
export class OpenApiService {
  private readonly recorded: OpenApiCall[] = [];
  private readonly answers = new Map<string, OpenApiAnswer>();
  private readonly clock: Clock;
  private readonly apps: readonly AppConfig[];

  constructor(options: { readonly apps: readonly AppConfig[]; readonly clock: Clock }) {
    this.apps = options.apps;
    this.clock = options.clock;
  }

  /** Answers every later call of `apiName` this way (e.g. `{errcode: 45015, errmsg: ...}`), until clearAnswers(). */
  respond(apiName: string, answer: OpenApiAnswer): void {
    this.answers.set(apiName, answer);
  }

  clearAnswers(): void {
    this.answers.clear();
  }

  /** The calls made, oldest first; only one environment's, and one API's, when asked. */
  calls(envId?: string, apiName?: string): OpenApiCall[] {
    return this.recorded.filter((call) => (envId === undefined || call.envId === envId) && (apiName === undefined || call.apiName === apiName));
  }

  clearCalls(): void {
    this.recorded.length = 0;
  }

  /** The appid an environment belongs to, for calls that name none. */
  appidOf(envId: string): string | undefined {
    return this.apps.find((app) => app.envId === envId)?.appid;
  }

  /** @internal the backend's wx.openApi action: answer and record one call. */
  call(request: OpenApiRequest): Readonly<Record<string, unknown>> {
    const at = this.clock.now();
    const canned = this.answers.get(request.apiName);
    const builtIn = BUILT_IN[request.apiName];
    let response: Readonly<Record<string, unknown>>;
    if (canned !== undefined) response = typeof canned === 'function' ? canned(request) : canned;
    else if (builtIn) response = builtIn(request.request, at);
    else response = { errcode: 0, errmsg: 'ok' };
    this.recorded.push({ ...request, response, at });
    return response;
  }
}
