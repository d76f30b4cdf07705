import QRCode from 'qrcode';

/** The cloud calls that answer an image of a mini program code instead of JSON. */
export const CODE_IMAGE_APIS: ReadonlySet<string> = new Set(['wxacode.get', 'wxacode.getUnlimited', 'wxacode.createQRCode']);

/**
 * A real, scannable QR code (made by the `qrcode` library) standing in for WeChat's mini program
 * code: it encodes what the real one points at — the appid, the page and the scene or path — so a
 * project's next step (cloud.uploadFile of the buffer, showing it) works on real image bytes. PNG,
 * `width` pixels wide as asked (WeChat: 280 to 1280, default 430).
 */
export async function codeImage(apiName: string, appid: string, request: Readonly<Record<string, unknown>>): Promise<Buffer> {
  const text = codeText(apiName, appid, request);
  const asked = typeof request.width === 'number' ? request.width : 430;
  const width = Math.min(1280, Math.max(280, Math.round(asked)));
  return QRCode.toBuffer(text, { type: 'png', width, margin: 2, errorCorrectionLevel: 'M' });
}

function codeText(apiName: string, appid: string, request: Readonly<Record<string, unknown>>): string {
  const field = (name: string): string => (typeof request[name] === 'string' ? (request[name] as string) : '');
  if (apiName === 'wxacode.getUnlimited') return `wxhub-local://${appid}/${field('page') || 'index'}?scene=${encodeURIComponent(field('scene'))}`;
  return `wxhub-local://${appid}/${field('path') || 'index'}`;
}
