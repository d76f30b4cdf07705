import type { ProjectCloud } from '@wxhub/local-cloud';
import { startBuiltFunctionInB } from '@wxhub/test-support';

/** The BUILT bundle in B's environment on the local cloud, fed by the built refresh_tokens. */
describe('ocr (built bundle)', () => {
  let project: ProjectCloud;
  let envId: string;
  let appid: string;

  beforeEach(async () => {
    ({ project, envId, appid } = await startBuiltFunctionInB('ocr'));
  });
  afterEach(async () => {
    await project.cloud.stop();
  });

  const ocr = async (event: unknown, openid: string | undefined = 'oB_ocr_user_01') =>
    (await project.cloud.functions.invoke({ envId, name: 'ocr', event, caller: { appid, openid } })).result;
  const refresh = () => project.cloud.functions.invoke({ envId, name: 'refresh_tokens', event: {} });
  const image = Buffer.from('快递单号 SF1234567890\n收件人 李雷', 'utf8').toString('base64');

  it("reads an image's lines with the token refresh_tokens stored", async () => {
    await refresh();
    expect(await ocr({ image })).toEqual({ errcode: 0, errmsg: 'success', data: { words: ['快递单号 SF1234567890', '收件人 李雷'] } });
  });

  it('answers -4001 before any token is stored, -4002 once the stored one has expired', async () => {
    expect(await ocr({ image })).toMatchObject({ errcode: -4001 });
    await refresh();
    const db = project.cloud.backend.database(envId);
    const [entry] = db.find('setconfig');
    db.clear('setconfig');
    db.insert('setconfig', { ...entry, expires_at: Date.now() - 1000 });
    const reply = await ocr({ image });
    expect(reply).toMatchObject({ errcode: -4002, data: { reason: 'expired' } });
    expect(JSON.stringify(reply)).not.toContain(String(entry?.value));
  });

  it('refuses a call without a user (-1002) and a malformed image (-1001) before calling Baidu', async () => {
    await refresh();
    // Any call that reached Baidu now would answer -3002.
    project.cloud.baidu.inject({ path: '/rest/2.0/ocr/v1/general_basic', error_code: 17, error_msg: 'Open api daily request limit reached' });
    expect(await ocr({ image }, '')).toMatchObject({ errcode: -1002 });
    expect(await ocr({ image: 'not base64!' })).toMatchObject({ errcode: -1001, data: { field: 'image' } });
    expect(await ocr({ image })).toMatchObject({ errcode: -3002, data: { error_code: 17 } });
  });
});
