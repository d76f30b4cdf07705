/** Who is calling, as WeChat's runtime tells a cloud function (getWXContext()). */
export interface CallerIdentity {
  readonly openid?: string;
  readonly appid?: string;
  readonly unionid?: string;
  /** TCB_SOURCE, e.g. 'wx_client' for a mini program call, 'wx_devtools'. */
  readonly source?: string;
  /**
   * The user of another mini program whose function reached this environment through
   * cross-account sharing (环境共享): getWXContext()'s FROM_OPENID / FROM_APPID / FROM_UNIONID.
   */
  readonly from?: CrossAccountCaller;
}

/** Who made a cross-account request: the calling mini program and, when it ran for one, its user. */
export interface CrossAccountCaller {
  readonly appid: string;
  readonly openid?: string;
  readonly unionid?: string;
}

export interface SdkEnvOptions {
  /** The local cloud's SDK backend URL (LocalCloud.sdkBackendUrl). Must not contain '?'. */
  readonly backendUrl: string;
  readonly envId: string;
  readonly caller?: CallerIdentity;
  /** TENCENTCLOUD_REGION; WeChat's environments default to Shanghai. */
  readonly region?: string;
}

/**
 * Every variable `sdkProcessEnv` may set. Because the SDK reads process.env on each call, a runtime
 * that reuses one process must remove the ones a new invocation does not set (a previous
 * caller's WX_OPENID must not leak into the next call).
 */
export const SDK_ENV_VARIABLES: readonly string[] = [
  'TCB_CONTEXT_CNFG',
  'TCB_CONTEXT_KEYS',
  'TCB_ENV',
  'SCF_NAMESPACE',
  'TCB_SOURCE',
  'WX_CONTEXT_KEYS',
  'WX_OPENID',
  'WX_APPID',
  'WX_UNIONID',
  'WX_FROM_OPENID',
  'WX_FROM_APPID',
  'WX_FROM_UNIONID',
  'TENCENTCLOUD_RUNENV',
  'TENCENTCLOUD_REGION',
  'TENCENTCLOUD_SECRETID',
  'TENCENTCLOUD_SECRETKEY',
  'TENCENTCLOUD_SESSIONTOKEN',
];

/**
 * The process environment WeChat's runtime gives a cloud function instance, pointed at the
 * local cloud: the real `wx-server-sdk` reads all of it and needs no code change.
 *
 * - TCB_CONTEXT_CNFG `{URL}`: where @cloudbase/node-sdk posts every call (it appends
 *   `?env=<id>&seqId=<n>`, hence no '?' in the URL).
 * - TENCENTCLOUD_RUNENV=SCF: what a real cloud function has. It makes the SDK skip its probe of
 *   the metadata host `metadata.tencentyun.com` (30 ms timeout, repeated on every call while the
 *   host is unreachable, i.e. an attempt to reach the internet per call); it also makes the SDK
 *   require TENCENTCLOUD_REGION and SCF_NAMESPACE, and turns its HTTP keep-alive off.
 * - TCB_CONTEXT_KEYS: the SDK reads TCB_ENV and TCB_SOURCE only through this list.
 * - Dummy TENCENTCLOUD_SECRETID/SECRETKEY/SESSIONTOKEN: the SDK signs each request and refuses to
 *   send without them; the local cloud does not check the signature. They are not secrets.
 */
export function sdkProcessEnv(options: SdkEnvOptions): Record<string, string> {
  if (options.backendUrl.includes('?')) throw new Error('sdkProcessEnv: backendUrl must not contain "?" (the SDK appends its own query)');
  const caller = options.caller ?? {};
  const env: Record<string, string> = {
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: options.backendUrl }),
    TCB_ENV: options.envId,
    SCF_NAMESPACE: options.envId,
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: options.region ?? 'ap-shanghai',
    TENCENTCLOUD_SECRETID: 'local-cloud-dummy-secret-id',
    TENCENTCLOUD_SECRETKEY: 'local-cloud-dummy-secret-key',
    TENCENTCLOUD_SESSIONTOKEN: 'local-cloud-dummy-session-token',
  };
  const tcbKeys = ['TCB_ENV'];
  if (caller.source) {
    env.TCB_SOURCE = caller.source;
    tcbKeys.push('TCB_SOURCE');
  }
  env.TCB_CONTEXT_KEYS = tcbKeys.join(',');
  const wxKeys: string[] = [];
  const identity = {
    WX_OPENID: caller.openid,
    WX_APPID: caller.appid,
    WX_UNIONID: caller.unionid,
    WX_FROM_OPENID: caller.from?.openid,
    WX_FROM_APPID: caller.from?.appid,
    WX_FROM_UNIONID: caller.from?.unionid,
  };
  for (const [key, value] of Object.entries(identity)) {
    if (!value) continue;
    env[key] = value;
    wxKeys.push(key);
  }
  env.WX_CONTEXT_KEYS = wxKeys.join(',');
  return env;
}

/**
 * Puts an SDK environment into this process (tests that require wx-server-sdk in the jest
 * process; `cloud.init` and every SDK call read process.env). Variables of SDK_ENV_VARIABLES the
 * given env does not set are removed. Returns a function that restores the previous values.
 */
export function applySdkEnv(env: Readonly<Record<string, string>>, target: NodeJS.ProcessEnv = process.env): () => void {
  const names = new Set([...SDK_ENV_VARIABLES, ...Object.keys(env)]);
  const previous = new Map<string, string | undefined>();
  for (const name of names) {
    previous.set(name, target[name]);
    const value = env[name];
    if (value === undefined) delete target[name];
    else target[name] = value;
  }
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete target[name];
      else target[name] = value;
    }
  };
}
