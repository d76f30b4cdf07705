export {
  AppidMismatchError,
  BadMessageEncodingError,
  BadMessageLengthError,
  BadPaddingError,
  InvalidCiphertextError,
  InvalidEncodingAesKeyError,
  InvalidIvError,
  InvalidSessionKeyError,
  MissingWatermarkError,
  NotJsonError,
  SignatureMismatchError,
  WechatCryptoError,
} from './errors';
export {
  decryptUserData,
  encryptUserData,
  generateSessionKey,
  type DecryptUserDataParams,
  type DecryptedUserData,
  type EncryptUserDataParams,
  type EncryptedUserData,
  type PhoneNumberData,
  type UserInfoData,
  type Watermark,
} from './user-data';
export { rawDataSignature, verifyRawDataSignature } from './raw-data-signature';
export { msgSignature, serverSignature, verifyServerSignature, type MsgSignatureParams, type ServerSignatureParams } from './push-signatures';
export {
  MessageCrypto,
  generateEncodingAesKey,
  type DecryptParams,
  type EncryptOptions,
  type EncryptedMessage,
  type MessageCryptoOptions,
} from './message-crypto';
