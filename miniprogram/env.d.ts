// env.js is written from wxhub.config.*.json (apps.B) by `tsx scripts/lib/deploy/miniprogram-env.ts`
// (run by the build and by a deploy), so the mini program talks to the environment its
// functions are deployed to. It is not committed.

/** The cloud environment id `wx.cloud.init` uses. */
export declare const CLOUD_ENV: string;
/** The mini program's appid (project.config.json carries the same). */
export declare const APPID: string;
