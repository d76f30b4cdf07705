import * as cloud from 'wx-server-sdk';
import { ENV_A, failure, sdkCall, useConformanceCloud } from './support/conformance-cloud';

// Error codes and limits the real backend answers with, as @cloudbase/node-sdk's own tests expect
// them (docs/wechat-facts.md, Corrections 7): each through the real wx-server-sdk.

const t = useConformanceCloud();

beforeEach(() => t.env.cloud.storage.clear(ENV_A));

describe('storage', () => {
  // node-sdk tests: deleteFile with more than 50 fileIDs → INVALID_PARAM (the call, not an entry)
  test('deleteFile of 51 files is refused as a whole with INVALID_PARAM; 50 are accepted', async () => {
    const ids = Array.from({ length: 51 }, (_unused, i) => `cloud://${ENV_A}.0000-${ENV_A}/f${i}.txt`);
    const refused = await failure(cloud.deleteFile({ fileList: ids }));
    expect(refused.code).toBe('INVALID_PARAM');
    expect(refused.message).toMatch(/at most 50/);
    const fifty = await sdkCall(cloud.deleteFile({ fileList: ids.slice(0, 50) }));
    expect(fifty.fileList).toHaveLength(50);
  });

  // node-sdk tests: downloadFile of a fileID naming no file → STORAGE_FILE_NONEXIST, not INVALID_PARAM
  test.each([
    ['a path that was never uploaded', `cloud://${ENV_A}.6100-${ENV_A}/never-uploaded.png`],
    ['a cloud:// id without a bucket', `cloud://${ENV_A}/never-uploaded.png`],
  ])('downloadFile of %s fails with STORAGE_FILE_NONEXIST', async (_label, fileID) => {
    const error = await failure(cloud.downloadFile({ fileID }));
    expect(`${error.code ?? ''} ${error.message} ${error.errMsg ?? ''}`).toMatch(/STORAGE_FILE_NONEXIST/);
    expect(error.errMsg ?? error.message).not.toMatch(/INVALID_PARAM/);
  });
});

describe('database', () => {
  // node-sdk tests: a field name starting with `$` in add data → DATABASE_REQUEST_FAILED (-502001)
  test.each([
    ['at the top level', { $where: 'x' }],
    ['nested', { profile: { $set: 1 } }],
    ['inside an array', { list: [{ $inc: 1 }] }],
  ])('add with a $-prefixed field name %s fails with DATABASE_REQUEST_FAILED and stores nothing', async (_label, data) => {
    const error = await failure(t.items.add({ data }));
    expect(error.errCode).toBe(-502001);
    expect(t.admin.count('conformance')).toBe(0);
  });
});

describe('functions', () => {
  // node-sdk tests: callFunction of a function the environment lacks → FUNCTION_NOT_FOUND
  test('calling a function that does not exist fails with FUNCTION_NOT_FOUND', async () => {
    const error = await failure(cloud.callFunction({ name: 'no_such_function', data: {} }));
    expect(error.code).toBe('FUNCTION_NOT_FOUND');
    expect(error.message).toMatch(/no_such_function/);
  });
});
