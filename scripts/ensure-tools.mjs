// What the test suite needs beyond npm packages, installed when missing so that the README's
// test command works on a fresh machine: WeChat's Node runtimes (npm registry, into .tools/),
// redis-server (Debian's package, for the Redis token store's tests) and chromium (Debian's
// package, which playwright-core drives headless in the console's browser tests).
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

/**
 * Installs a Debian package when its command is missing (as root, or through sudo).
 * @param {string} command @param {string} pkg @param {string} why
 */
function ensureDebianPackage(command, pkg, why) {
  if (has(command)) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = !root && has('sudo') ? ['sudo'] : [];
  if (!root && sudo.length === 0) {
    throw new Error(`${command} is missing: install it (e.g. \`apt-get install ${pkg}\`) and run the tests again`);
  }
  console.log(`installing ${pkg} (Debian package) for ${why}`);
  const run = (/** @type {string[]} */ args) =>
    execFileSync(sudo[0] ?? String(args[0]), sudo.length ? args : args.slice(1), {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  if (!updated) run(['apt-get', 'update']);
  updated = true;
  run(['apt-get', 'install', '-y', pkg]);
}
let updated = false;

for (const [version, binary] of Object.entries(wechatNodeBinaries())) console.log(`node ${version}: ${binary}`);
ensureDebianPackage('redis-server', 'redis-server', 'the Redis token store tests');
console.log(`redis-server: ${execSync('command -v redis-server', { shell: '/bin/sh', encoding: 'utf8' }).trim()}`);
ensureDebianPackage('chromium', 'chromium', "the console's browser tests");
console.log(`chromium: ${execSync('command -v chromium', { shell: '/bin/sh', encoding: 'utf8' }).trim()}`);
