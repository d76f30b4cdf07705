/** A mini program as the local cloud knows it: its credentials and its cloud environment. */
export interface AppConfig {
  /** Short name used in logs and by the function runtime, e.g. 'A'. */
  readonly name: string;
  readonly appid: string;
  readonly secret: string;
  /** The cloud environment id, e.g. 'a-env-1a2b3c'. */
  readonly envId: string;
  /** The open-platform account (开放平台) the app is bound to: apps bound to one account share unionids. */
  readonly openPlatform?: string;
}

export interface BaiduClientConfig {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Token lifetimes and overlaps; WeChat's documented values by default, shorter in some tests. */
export interface TokenPolicy {
  /** Lifetime of an access token, seconds (WeChat: 7200). */
  readonly accessTokenTtlSeconds: number;
  /** How long a superseded cgi-bin/token keeps working, seconds (WeChat: about 300). */
  readonly overlapSeconds: number;
  /** Lifetime of a Baidu OAuth token, seconds (Baidu: 2592000 = 30 days). */
  readonly baiduTtlSeconds: number;
}

export const WECHAT_TOKEN_POLICY: TokenPolicy = {
  accessTokenTtlSeconds: 7200,
  overlapSeconds: 300,
  baiduTtlSeconds: 2_592_000,
};
