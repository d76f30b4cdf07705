/**
 * `@wxhub/wechat-crypto/testing`: WeChat's own published sample values (login decryption, message
 * push signatures and safe-mode ciphertexts), for tests that must agree with WeChat rather than
 * with this package.
 */
export { CORP_VERIFY_URL, CPP_SAMPLE, JAVA_SAMPLE, LOGIN_DEMO, PUSH_DOC, PYTHON_SAMPLE, RAW_DATA_SIGNATURE } from './official-vectors';
