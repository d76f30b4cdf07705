import { loadProjectConfig, type ProjectConfig } from '@wxhub/project-config';
import { REPO_ROOT } from '@wxhub/test-support';
import { sharingSteps } from '../scripts/lib/deploy/shared-transport';

/** The deploy dry run's console steps and checks for the `shared` transport. */
describe('sharingSteps', () => {
  const example = loadProjectConfig({ root: REPO_ROOT, mode: 'local', env: {}, file: `${REPO_ROOT}/wxhub.config.example.json` });
  const A = example.apps.A!;
  const B = example.apps.B!;
  const api = example.functions.api!;
  const sharedApi = (env: Record<string, string> = {}): ProjectConfig => ({
    ...example,
    functions: {
      ...example.functions,
      api: { ...api, env: { A_APPID: A.appid, A_ENV: A.envId, API_TRANSPORT: 'shared', API_ALLOWED_FUNCTIONS: 'users_add', ...env } },
    },
  });

  it("tells A's console to share its env with B, and B's console what api needs (no secret of A)", () => {
    const owner = sharingSteps(sharedApi(), 'A', ['cloudbase_auth', 'users_add']);
    expect(owner.problems).toEqual([]);
    expect(owner.steps.join('\n')).toContain(`添加共享: appid ${B.appid}`);
    expect(owner.steps.join('\n')).toContain(`CLOUDBASE_AUTH_ALLOWED_APPIDS=${B.appid}`);
    const user = sharingSteps(sharedApi(), 'B', ['api']);
    expect(user.problems).toEqual([]);
    expect(user.steps).toEqual([expect.stringContaining(`API_TRANSPORT=shared, A_APPID=${A.appid}, A_ENV=${A.envId}; no A_APPSECRET`)]);
  });

  it('says nothing for the http transport', () => {
    expect(sharingSteps(example, 'B', ['api'])).toEqual({ steps: [], problems: [] });
  });

  it('refuses a shared api whose env A does not share with B, or a wrong A_ENV', () => {
    const unshared = { ...sharedApi(), sharing: [] };
    expect(sharingSteps(unshared, 'B', ['api']).problems).toEqual([expect.stringContaining('does not share a-env-0a1b2c with B')]);
    expect(sharingSteps(sharedApi({ A_ENV: 'a-env-other' }), 'B', ['api']).problems).toEqual([expect.stringContaining('A_ENV a-env-other')]);
  });

  it('refuses an owner without cloudbase_auth, or one whose allow-list leaves B out', () => {
    const { cloudbase_auth: _auth, ...withoutAuth } = example.functions;
    void _auth;
    expect(sharingSteps({ ...example, functions: withoutAuth }, 'A', ['users_add']).problems).toEqual([expect.stringContaining('no cloudbase_auth')]);
    const narrow = {
      ...example,
      functions: {
        ...example.functions,
        cloudbase_auth: { ...example.functions.cloudbase_auth!, env: { CLOUDBASE_AUTH_ALLOWED_APPIDS: 'wx0000000000000000' } },
      },
    };
    expect(sharingSteps(narrow, 'A', ['cloudbase_auth']).problems).toEqual([expect.stringContaining('does not list')]);
  });
});
