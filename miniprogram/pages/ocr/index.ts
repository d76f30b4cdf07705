import { callCloudFunction } from '../../utils/cloud';
import { chooseImage, readBase64 } from '../../utils/files';
import { ocrOutcome } from '../../utils/ocr-outcome';

interface OcrData {
  busy: boolean;
  done: boolean;
  words: string[];
  message: string;
}

const initialData: OcrData = { busy: false, done: false, words: [], message: '' };

/**
 * Reads the text of a photo through the `ocr` cloud function, which calls Baidu with the token
 * kept in `setconfig`: the page sends the image and never sees the token.
 */
Component({
  data: initialData,
  methods: {
    async chooseAndRecognize() {
      if (this.data.busy) return;
      let image: string | undefined;
      try {
        const path = await chooseImage();
        if (path === undefined) return;
        image = await readBase64(path);
      } catch (error) {
        this.setData({ done: true, words: [], message: `无法读取图片：${error instanceof Error ? error.message : String(error)}` });
        return;
      }
      this.setData({ busy: true, done: false, message: '' });
      const call = await callCloudFunction('ocr', { image });
      const outcome = call.ok ? ocrOutcome(call.result) : { ok: false as const, message: '网络异常，服务暂时不可用，请稍后再试' };
      this.setData(outcome.ok ? { busy: false, done: true, words: outcome.words } : { busy: false, done: true, words: [], message: outcome.message });
    },
  },
});
