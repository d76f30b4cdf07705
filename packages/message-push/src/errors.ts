import { WxhubError } from '@wxhub/core';

/**
 * Why a push request was refused. Each carries the HTTP status it is answered with and a short
 * message that is safe to send back over the wire: no token, no key, no message content, no stack.
 * None is transient: the same request is refused the same way.
 */
export abstract class PushRequestError extends WxhubError {
  readonly transient = false;
  abstract readonly status: number;
}

/** `signature` or `msg_signature` is missing or does not match: the request is not from WeChat. */
export class PushSignatureError extends PushRequestError {
  readonly code = 'PUSH_BAD_SIGNATURE';
  readonly status = 401;
  constructor(readonly reason = 'signature does not match') {
    super(`push refused: ${reason}`);
  }
}

/** The signed timestamp is outside the replay window around the server's clock. */
export class PushReplayError extends PushRequestError {
  readonly code = 'PUSH_STALE_TIMESTAMP';
  readonly status = 403;
  constructor(
    readonly skewSeconds: number,
    readonly windowSeconds: number,
  ) {
    super(`push refused: timestamp is ${skewSeconds} s away from now, more than the ${windowSeconds} s allowed`);
  }
}

/** The message decrypted with our key but names another mini program. */
export class PushWrongAppError extends PushRequestError {
  readonly code = 'PUSH_WRONG_APPID';
  readonly status = 403;
  constructor() {
    super('push refused: the message was encrypted for another appid');
  }
}

/** Query or body is not a WeChat push: missing fields, not XML/JSON, not decryptable, past a limit. */
export class PushMalformedError extends PushRequestError {
  readonly code = 'PUSH_MALFORMED';
  readonly status = 400;
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`malformed push: ${reason}`, options);
  }
}

/** Plaintext sent to a safe-mode endpoint, or an encrypted push to one that has no key. */
export class PushModeError extends PushRequestError {
  readonly code = 'PUSH_WRONG_MODE';
  readonly status = 400;
  constructor(readonly reason: string) {
    super(`push refused: ${reason}`);
  }
}

export class PushBodyTooLargeError extends PushRequestError {
  readonly code = 'PUSH_TOO_LARGE';
  readonly status = 413;
  constructor(readonly limitBytes: number) {
    super(`push refused: body is larger than ${limitBytes} bytes`);
  }
}

export class PushMediaTypeError extends PushRequestError {
  readonly code = 'PUSH_MEDIA_TYPE';
  readonly status = 415;
  constructor(readonly mediaType: string) {
    // The media type comes from the caller: keep it short and printable before echoing it.
    super(`push refused: content type ${JSON.stringify(mediaType.slice(0, 40).replace(/[^\x20-\x7e]/g, '?'))} is not XML or JSON`);
  }
}

export class PushMethodError extends PushRequestError {
  readonly code = 'PUSH_METHOD';
  readonly status = 405;
  constructor() {
    super('push refused: only GET (URL verification) and POST (messages) are accepted');
  }
}
