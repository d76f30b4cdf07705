import { openPage, tap, textOf, until, simulatedWx, type SimulatedPage } from './support/simulate';
import { startMiniProgram, type MiniProgramUnderTest } from './support/mini-program';

interface OcrPageData {
  busy: boolean;
  done: boolean;
  words: string[];
  message: string;
}

interface ChooseMediaOptions {
  success?: (result: { tempFiles: Array<{ tempFilePath: string; size: number; fileType: string }>; type: string }) => void;
  fail?: (error: { errMsg: string }) => void;
}

interface ReadFileOptions {
  filePath: string;
  encoding?: string;
  success?: (result: { data: string }) => void;
  fail?: (error: { errMsg: string }) => void;
}

// The emulator's OCR reads an "image" whose bytes are UTF-8 text as its lines.
const PHOTO_TEXT = '增值税普通发票\n发票号码 04418320\n价税合计 ¥88.00';
const PHOTO_PATH = 'http://tmp/receipt.jpg';

describe('OCR page (miniprogram-simulate → ocr → Baidu OCR with the token from setconfig)', () => {
  let mp: MiniProgramUnderTest;
  let readPaths: string[];

  beforeEach(async () => {
    mp = await startMiniProgram('oB_page_ocr_0001');
    readPaths = [];
    const wx = simulatedWx();
    wx.chooseMedia = (options: ChooseMediaOptions) =>
      options.success?.({ tempFiles: [{ tempFilePath: PHOTO_PATH, size: PHOTO_TEXT.length, fileType: 'image' }], type: 'image' });
    wx.getFileSystemManager = () => ({
      readFile: (options: ReadFileOptions) => {
        readPaths.push(options.filePath);
        if (options.filePath !== PHOTO_PATH || options.encoding !== 'base64') options.fail?.({ errMsg: 'readFile:fail no such file' });
        else options.success?.({ data: Buffer.from(PHOTO_TEXT, 'utf8').toString('base64') });
      },
    });
  });
  afterEach(async () => {
    await mp.stop();
  });

  async function runRefreshTimer(): Promise<void> {
    await mp.project.cloud.functions.invoke({ envId: mp.B.envId, name: 'refresh_tokens', event: { Type: 'Timer' }, env: { TRIGGER_SRC: 'timer' } });
  }

  async function recognize(): Promise<SimulatedPage<OcrPageData>> {
    const page = openPage<OcrPageData>('pages/ocr/index');
    tap(page, '.choose');
    await until(page, () => page.data.done && !page.data.busy, 'the recognition result');
    return page;
  }

  it('shows the lines Baidu read, with the token staying on the server', async () => {
    await runRefreshTimer();
    const token = String(mp.project.cloud.backend.database(mp.B.envId).find('setconfig')[0]?.value);
    const page = await recognize();
    expect(page.data.words).toEqual(['增值税普通发票', '发票号码 04418320', '价税合计 ¥88.00']);
    expect(page.querySelectorAll('.line').map((line) => line.dom.textContent)).toEqual(page.data.words);
    expect(readPaths).toEqual([PHOTO_PATH]);
    const [call] = mp.cloud.calls;
    expect(call?.name).toBe('ocr');
    expect(Object.keys(call?.data ?? {})).toEqual(['image']);
    expect(JSON.stringify(await call?.done)).not.toContain(token);
  });

  it('says OCR is not ready (-4001) while refresh_tokens has stored no token', async () => {
    const page = await recognize();
    expect(page.data.words).toEqual([]);
    expect(textOf(page, '.message')).toMatch(/令牌未就绪.*-4001/);
  });

  it('says OCR is not ready (-4002) when Baidu rejects the token as expired (error_code 111)', async () => {
    await runRefreshTimer();
    mp.project.cloud.baidu.inject({ path: '/rest/2.0/ocr/v1/general_basic', error_code: 111, error_msg: 'Access token expired' });
    const page = await recognize();
    expect(textOf(page, '.message')).toMatch(/令牌未就绪.*-4002/);
    const answer = await mp.cloud.calls[0]?.done;
    expect(answer).toMatchObject({ result: { errcode: -4002, data: { error_code: 111 } } });
  });

  it('sends nothing when the user cancels the picker', async () => {
    simulatedWx().chooseMedia = (options: ChooseMediaOptions) => options.fail?.({ errMsg: 'chooseMedia:fail cancel' });
    const page = openPage<OcrPageData>('pages/ocr/index');
    const instance = page.instance as { chooseAndRecognize(): Promise<void> };
    await instance.chooseAndRecognize();
    expect(page.data).toMatchObject({ busy: false, done: false, message: '' });
    expect(mp.cloud.calls).toHaveLength(0);
  });
});
