/**
 * The main job, offline: mini programs A and B on the embedded local cloud, running the built
 * functions. A user of B registers through B's `api` (which calls A's `users_add` through
 * WeChat's invokecloudfunction), then the timer refreshes the Baidu token into `setconfig`.
 * Run with `pnpm demo` (builds first).
 */
import { join } from 'node:path';
import { mask } from '@wxhub/core';
import { ClientCallApi, clientInvocation, startProjectCloud } from '@wxhub/local-cloud';
import { installMiniProgramGlobals, loadPage } from './lib/page-host';

const root = join(__dirname, '..');

async function main(): Promise<void> {
  const { cloud, config, functions } = await startProjectCloud({ root });
  const A = config.apps.A;
  const B = config.apps.B;
  if (!A || !B) throw new Error('the configuration must define apps A and B');
  try {
    console.log(`local cloud at ${cloud.url} (WeChat API, Baidu at ${cloud.baiduApiBase}, SDK backend at ${cloud.sdkBackendUrl})`);
    console.log(`functions: ${functions.map((name) => `${name} (app ${config.functions[name]?.app})`).join(', ')}\n`);

    const page = async (label: string, data: Record<string, unknown>, openid?: string): Promise<void> => {
      const { result, coldStart, durationMs } = await cloud.functions.invoke({
        envId: B.envId,
        name: 'api',
        ...clientInvocation(B.appid, data, { openid }),
      });
      console.log(`B page → api: ${label}\n  ${JSON.stringify(result)}\n  (${coldStart ? 'cold' : 'warm'}, ${durationMs.toFixed(1)} ms)`);
    };
    const user = { name: '李雷', age: 28, sex: 'male', tel: '13800138000' };
    // A's users_add is started first, as WeChat keeps provisioned instances: started inside the
    // first call, on a busy machine its cold start could outlast api's budget for the nested call
    // (TIMEOUT), and the rest of the walk-through would tell another story. api's own first call
    // still shows a cold start.
    await cloud.functions.prewarm(A.envId, 'users_add');
    await page('register 李雷', { func: 'users_add', data: user }, 'oB_demo_lilei');
    await page('register 李雷 again', { func: 'users_add', data: user }, 'oB_demo_lilei');
    await page(
      'register 韩梅梅 with a bad mobile number',
      { func: 'users_add', data: { ...user, name: '韩梅梅', sex: 'female', tel: '12345' } },
      'oB_demo_hanmeimei',
    );
    await page(
      'register 韩梅梅, page claiming to be 李雷',
      { func: 'users_add', data: { ...user, name: '韩梅梅', sex: 'female', openid: 'oB_demo_lilei' } },
      'oB_demo_hanmeimei',
    );
    await page('call a function that is not allowed', { func: 'users_delete', data: {} }, 'oB_demo_lilei');
    await page('call without a user', { func: 'users_add', data: user });

    // The same registration, driven through B's page code: the register page's own
    // validation, its wx.cloud.callFunction('api', ...) and the message it shows.
    cloud.mount(new ClientCallApi({ apps: cloud.apps, runtime: cloud.functions }).service);
    installMiniProgramGlobals({ url: cloud.url, app: 'B', openid: 'oB_demo_wangfang' });
    const registerPage = join(root, 'miniprogram', 'pages', 'register', 'index.ts');
    const fillAndSubmit = async (label: string, form: Record<string, string>): Promise<void> => {
      const page = loadPage(registerPage);
      for (const [field, value] of Object.entries(form)) {
        if (field === 'sex') await page.call('onSexChange', { detail: { value } });
        else await page.call('onInput', { currentTarget: { dataset: { field } }, detail: { value } });
      }
      await page.call('submit');
      const outcome = page.data.outcome as { text: string } | null;
      console.log(`B register page: ${label}\n  shows: ${outcome ? outcome.text : `field errors ${JSON.stringify(page.data.errors)}`}`);
    };
    console.log('');
    await fillAndSubmit('王芳 fills in the form and taps submit', { name: '王芳', age: '31', sex: 'female', tel: '13700137000' });
    await fillAndSubmit('王芳 taps submit again', { name: '王芳', age: '31', sex: 'female', tel: '13700137000' });
    await fillAndSubmit('a mobile number with 10 digits (checked on the phone, nothing sent)', { name: '王芳', age: '31', sex: 'female', tel: '1370013700' });

    for (const run of ['first', 'second']) {
      const { result } = await cloud.functions.invoke({
        envId: B.envId,
        name: 'refresh_tokens',
        event: { Type: 'Timer', TriggerName: 'refresh_third_party_tokens' },
        env: { TRIGGER_SRC: 'timer' },
      });
      console.log(`\ntimer refresh_tokens (${run} run): ${JSON.stringify(result)}`);
    }

    const statusPage = loadPage(join(root, 'miniprogram', 'pages', 'token-status', 'index.ts'));
    await statusPage.call('load');
    console.log(`\nB token status page shows: ${JSON.stringify(statusPage.data.rows)}`);

    const dbA = cloud.backend.database(A.envId);
    const dbB = cloud.backend.database(B.envId);
    console.log(`\nA's users (${A.envId}):`);
    for (const u of dbA.find('users')) console.log(`  ${u._id}  ${u.name}  ${u.age}  ${u.sex}  ${u.tel}  created ${(u.created_at as Date).toISOString()}`);
    console.log(
      `\ntokens issued by WeChat: A ${cloud.wechat.issuedTokens(A.appid)}, B ${cloud.wechat.issuedTokens(B.appid)}; by Baidu: ${Object.values(
        config.baiduClients,
      )
        .map((c) => `${c.name} ${cloud.baidu.issuedTokens(c.clientId)}`)
        .join(', ')}`,
    );
    console.log(`B's token collection:`);
    for (const t of dbB.find('token'))
      console.log(`  ${t._id}  access_token ${mask(String(t.access_token))}  expires ${new Date(Number(t.expires_in)).toISOString()}`);
    console.log(`B's setconfig collection:`);
    for (const c of dbB.find('setconfig')) {
      console.log(
        `  ${c.config_name}  value ${c.value ? mask(String(c.value)) : '-'}  expires ${c.expires_at ? new Date(Number(c.expires_at)).toISOString() : '-'}  refreshed ${(c.refreshed_at as Date | undefined)?.toISOString() ?? '-'}  last_error ${JSON.stringify(c.last_error)}`,
      );
    }
  } finally {
    await cloud.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
