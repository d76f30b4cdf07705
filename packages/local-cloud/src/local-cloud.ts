import type { Server } from 'node:http';
import { systemClock, type Clock } from '@wxhub/core';
import { Router, type Service } from './http/router';
import { close, listen } from './http/server';
import { WECHAT_TOKEN_POLICY, type AppConfig, type BaiduClientConfig, type TokenPolicy } from './config';
import { WeChatEmulator } from './wechat/wechat-emulator';
import { BaiduEmulator } from './baidu/baidu-emulator';
import { CloudBackend } from './sdk-backend/cloud-backend';
import { FunctionRuntime, type FunctionRuntimeOptions } from './runtime/function-runtime';
import { TcbHttpApi } from './tcb-http/tcb-http-api';

export interface LocalCloudOptions {
  readonly apps: readonly AppConfig[];
  readonly baiduClients?: readonly BaiduClientConfig[];
  /** Loopback port; 0 (the default) picks a free one. */
  readonly port?: number;
  readonly host?: string;
  /** The emulator's notion of now (token expiry, server dates); tests pass a ManualClock. */
  readonly clock?: Clock;
  readonly tokenPolicy?: Partial<TokenPolicy>;
  /** How functions run (Node binary, time limits, instance counts). */
  readonly runtime?: Omit<FunctionRuntimeOptions, 'clock'>;
}

/**
 * WeChat's servers and the cloud environments of several mini programs, on one loopback port:
 * - WeChat's server API at `wechatApiBase` (`/cgi-bin/token`, `/cgi-bin/stable_token`, `/tcb/...`)
 * - Baidu's OAuth at `baiduApiBase` (`/oauth/2.0/token`)
 * - the backend the real `wx-server-sdk` talks to at `sdkBackendUrl` (what `TCB_CONTEXT_CNFG` points to)
 */
export class LocalCloud {
  readonly wechat: WeChatEmulator;
  readonly baidu: BaiduEmulator;
  readonly backend: CloudBackend;
  readonly functions: FunctionRuntime;

  private constructor(
    readonly url: string,
    readonly clock: Clock,
    readonly apps: readonly AppConfig[],
    private readonly server: Server,
    private readonly router: Router,
    parts: { wechat: WeChatEmulator; baidu: BaiduEmulator; backend: CloudBackend; functions: FunctionRuntime },
  ) {
    this.wechat = parts.wechat;
    this.baidu = parts.baidu;
    this.backend = parts.backend;
    this.functions = parts.functions;
  }

  static async start(options: LocalCloudOptions): Promise<LocalCloud> {
    const clock = options.clock ?? systemClock;
    const policy: TokenPolicy = { ...WECHAT_TOKEN_POLICY, ...options.tokenPolicy };
    const wechat = new WeChatEmulator({ apps: options.apps, clock, policy });
    const baidu = new BaiduEmulator({ clients: options.baiduClients ?? [], clock, policy });
    const backend = new CloudBackend({ envIds: options.apps.map((app) => app.envId), clock });
    const functions = new FunctionRuntime({ ...options.runtime, clock });
    const tcbHttp = new TcbHttpApi({ wechat, runtime: functions, apps: options.apps, clock });
    const router = new Router();
    for (const part of [wechat, tcbHttp, baidu, backend]) router.mount(part.service);
    const { server, url } = await listen(router, options.port ?? 0, options.host ?? '127.0.0.1');
    return new LocalCloud(url, clock, options.apps, server, router, { wechat, baidu, backend, functions });
  }

  get wechatApiBase(): string {
    return this.url;
  }

  get baiduApiBase(): string {
    return `${this.url}${BaiduEmulator.PREFIX}`;
  }

  get sdkBackendUrl(): string {
    return `${this.url}${CloudBackend.PREFIX}`;
  }

  /** Serves one more part (a client-call endpoint, an admin API) on the same port. */
  mount(service: Service): void {
    this.router.mount(service);
  }

  app(nameOrAppid: string): AppConfig {
    const app = this.apps.find((a) => a.name === nameOrAppid || a.appid === nameOrAppid);
    if (!app) throw new Error(`the local cloud has no app ${nameOrAppid}`);
    return app;
  }

  async stop(): Promise<void> {
    await this.functions.stop();
    await close(this.server);
  }
}
