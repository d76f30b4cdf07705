import { MAX_ERROR_MESSAGE_LENGTH, tokenStatus, tokenStatuses } from '../src/status';

const NOW = Date.UTC(2025, 0, 15, 8, 0, 0);
const TOKEN = '24.0123456789abcdef0123456789abcdef.2592000.1739000000.282335-10000001';

describe('tokenStatus', () => {
  it('maps a fresh entry to its status and never copies the value', () => {
    const refreshed = new Date(NOW - 60_000);
    const status = tokenStatus(
      { _id: 'baidu_ocr', config_name: 'baidu_ocr', value: TOKEN, expires_at: NOW + 1000, refreshed_at: refreshed, last_error: null, extra: 'x' },
      NOW,
    );
    expect(status).toEqual({ config_name: 'baidu_ocr', fresh: true, expires_at: NOW + 1000, refreshed_at: refreshed.getTime(), last_error_message: null });
    expect(JSON.stringify(status)).not.toContain(TOKEN);
  });

  it('is not fresh once expired, or without a value', () => {
    expect(tokenStatus({ config_name: 'a', value: TOKEN, expires_at: NOW }, NOW)?.fresh).toBe(false);
    expect(tokenStatus({ config_name: 'a', expires_at: NOW + 1000 }, NOW)).toMatchObject({ fresh: false, expires_at: null });
    expect(tokenStatus({ config_name: 'a', value: '', expires_at: NOW + 1000 }, NOW)?.fresh).toBe(false);
  });

  it('masks the token and credential-shaped text in the last error, and bounds its length', () => {
    const message = `failed with ${TOKEN}: POST /x?access_token=abcdef123456&client_secret=s3cr3tvalue {"client_id":"ak-123456"} ${'y'.repeat(400)}`;
    const status = tokenStatus({ config_name: 'a', value: TOKEN, expires_at: NOW - 1, last_error: { message, code: 'BAIDU_API', at: new Date(NOW) } }, NOW);
    const text = String(status?.last_error_message);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('abcdef123456');
    expect(text).not.toContain('s3cr3tvalue');
    expect(text).not.toContain('ak-123456');
    expect(text).toContain('access_token=***');
    expect(text.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH);
  });

  it('accepts dates as stored by other writers (epoch ms, ISO text) and leaves nonsense out', () => {
    expect(tokenStatus({ config_name: 'a', refreshed_at: NOW }, NOW)?.refreshed_at).toBe(NOW);
    expect(tokenStatus({ config_name: 'a', refreshed_at: new Date(NOW).toISOString() }, NOW)?.refreshed_at).toBe(NOW);
    expect(tokenStatus({ config_name: 'a', refreshed_at: 'yesterday' }, NOW)?.refreshed_at).toBeNull();
    expect(tokenStatus({ config_name: 'a', last_error: 'text' }, NOW)?.last_error_message).toBeNull();
  });

  it('leaves out entries without a name and sorts the rest', () => {
    expect(tokenStatuses([{ config_name: 'z' }, { value: TOKEN }, { config_name: 'a' }], NOW).map((s) => s.config_name)).toEqual(['a', 'z']);
  });
});
