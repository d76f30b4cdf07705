// What the test suite needs beyond npm packages, installed when missing so that the README's
// test command works on a fresh machine: WeChat's Node runtimes (npm registry, into .tools/) and
// redis-server (Debian's package, for the Redis token store's tests).
import { execFileSync, execSync } from 'node:child_process';
import { wechatNodeBinaries } from './node-runtimes.mjs';

/** @param {string} command */
function has(command) {
  try {
    execSync(`command -v ${command}`, { stdio: 'ignore', shell: '/bin/sh' });
    return true;
  } catch {
    return false;
  }
}

function ensureRedis() {
  if (has('redis-server')) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = !root && has('sudo') ? ['sudo'] : [];
  if (!root && sudo.length === 0) {
    throw new Error('redis-server is missing: install it (e.g. `apt-get install redis-server`) and run the tests again');
  }
  console.log('installing redis-server (Debian package) for the Redis token store tests');
  const run = (/** @type {string[]} */ args) =>
    execFileSync(sudo[0] ?? String(args[0]), sudo.length ? args : args.slice(1), {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  run(['apt-get', 'update']);
  run(['apt-get', 'install', '-y', 'redis-server']);
}

for (const [version, binary] of Object.entries(wechatNodeBinaries())) console.log(`node ${version}: ${binary}`);
ensureRedis();
console.log(`redis-server: ${execSync('command -v redis-server', { shell: '/bin/sh', encoding: 'utf8' }).trim()}`);
