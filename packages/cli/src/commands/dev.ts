import type { Command } from '../command';
import { DEFAULT_LOCAL_CLOUD_PORT } from '../endpoints';

/** What `wxhub dev` does, loaded only when it runs: `--help` and `--version` load no command. */
function implementation(): typeof import('./dev-run') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose (see above)
  return require('./dev-run') as typeof import('./dev-run');
}

export const devCommand: Command = {
  name: 'dev',
  summary: 'run WeChat devtools projects on a local cloud (their functions, unchanged)',
  operands: '[project-dir ...]',
  details: [
    "Reads each project's project.config.json (appid, cloudfunctionRoot), installs every function's",
    'own dependencies when missing (npm install --omit=dev, cached), and runs each function as',
    "WeChat's cloud would: its own wx-server-sdk, its config.json (timeout, timer triggers, openapi",
    'permissions), variables from wxhub.dev.json and <function>/.env.local. Every env id the code',
    "names (cloud.init({env: 'prod-1a2b'})) gets an environment. Prints one line per invocation with",
    'its console output under it; a changed function is redeployed. The project directory defaults to',
    'the current one. Ctrl-C stops.',
  ],
  options: [
    ['port', `the port to listen on (default ${DEFAULT_LOCAL_CLOUD_PORT}; 0 picks a free one)`],
    ['env', 'the environment of projects whose code names none (DYNAMIC_CURRENT_ENV); default <appid>-local'],
    ['quiet', 'no line per invocation'],
    ['no-watch', 'do not redeploy functions when their files change'],
    ['node', "the Node binary functions run on (e.g. WeChat's 16.13); the local Node by default"],
    ['open', 'open the console in a browser once started'],
  ],
  examples: ['wxhub dev examples/shop-project', 'wxhub dev ./shop ./admin --port 8781', 'wxhub dev -e prod-1a2b --quiet'],
  run: (context) => implementation().runDev(context),
};
