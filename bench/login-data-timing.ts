/**
 * `npx tsx bench/login-data-timing.ts`: issue 10 item 11's figures. decryptLoginData on two
 * kinds of undecryptable input of the same length — bad padding, and good padding around text
 * that is not JSON — timed alternately, N times each: medians in µs and their ratio.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { decryptLoginData } from '@wxhub/wechat';
import { median } from './lib/stats';

const N = Number(process.env.BENCH_LOGIN_RUNS ?? 20000);
const key = randomBytes(16);
const iv = randomBytes(16);
const seal = (plain: Buffer): string => {
  const cipher = createCipheriv('aes-128-cbc', key, iv);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
};
const text = Buffer.from(`{"nickName":"${'x'.repeat(200)}"`, 'utf8'); // JSON cut short
const size = Math.ceil((text.length + 1) / 16) * 16;
const badPadding = Buffer.alloc(size, 0x20);
text.copy(badPadding);
badPadding[size - 1] = 0x00;
const badJson = Buffer.alloc(size, size - text.length);
text.copy(badJson);
const inputs = { 'bad padding': seal(badPadding), 'bad JSON': seal(badJson) };
const params = { appid: 'wx0000000000000001', sessionKey: key.toString('base64'), iv: iv.toString('base64') };
const times: Record<string, number[]> = { 'bad padding': [], 'bad JSON': [] };
for (let i = 0; i < N; i++) {
  for (const [label, encryptedData] of Object.entries(inputs)) {
    const start = performance.now();
    try {
      decryptLoginData({ ...params, encryptedData });
    } catch {
      // every one fails; the time is what is measured
    }
    times[label]!.push((performance.now() - start) * 1000);
  }
}
const [pad, json] = [median(times['bad padding']!), median(times['bad JSON']!)];
console.log(
  `decryptLoginData, ${N} runs each, ${size}-byte ciphertext: bad padding median ${pad.toFixed(1)} µs, bad JSON median ${json.toFixed(1)} µs, ratio ${(json / pad).toFixed(2)}`,
);
