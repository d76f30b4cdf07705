/** One image from the album or the camera; undefined when the user cancels. */
export function chooseImage(): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    wx.chooseMedia({
      count: 1,
      mediaType: ['image'],
      sizeType: ['compressed'],
      success: (result) => resolve(result.tempFiles[0]?.tempFilePath),
      fail: (error) => (/cancel/.test(error.errMsg) ? resolve(undefined) : reject(new Error(error.errMsg))),
    });
  });
}

/** A local (temporary) file as base64, the way Baidu's OCR takes images. */
export function readBase64(filePath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    wx.getFileSystemManager().readFile({
      filePath,
      encoding: 'base64',
      success: (result) => (typeof result.data === 'string' ? resolve(result.data) : reject(new Error('readFile answered binary data'))),
      fail: (error) => reject(new Error(error.errMsg)),
    });
  });
}
