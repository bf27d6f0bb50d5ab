// Typed errors from the gateways: a code the program branches on, a sentence a person acts on, the SDK error as cause.
import { messages, type Lang } from '../i18n/index.js';

/** The same sentence in the reader's language (the message is English, for logs). */
export type Said = (lang: Lang) => string;

export const AwsErrorCode = {
  notFound: 'not_found',
  conflict: 'conflict',
  invalid: 'invalid',
  throttled: 'throttled',
  accessDenied: 'access_denied',
  unavailable: 'unavailable',
} as const;
export type AwsErrorCode = (typeof AwsErrorCode)[keyof typeof AwsErrorCode];

export class AwsGatewayError extends Error {
  constructor(
    readonly code: AwsErrorCode,
    /** What happened and what to do, e.g. `listener arn:… not found in ap-northeast-1 — check environments.prod.maintenance.listeners[1]`. */
    message: string,
    options?: { cause?: unknown; say?: Said },
  ) {
    super(message, options);
    this.name = 'AwsGatewayError';
    this.say = options?.say;
  }

  /** The sentence in another language, where the gateway built it from the catalog. */
  readonly say: Said | undefined;
}

const said = (text: (lang: Lang) => string): { message: string; say: Said } => ({ message: text('en'), say: text });
const gatewayError = (code: AwsErrorCode, text: (lang: Lang) => string, cause: unknown): AwsGatewayError => {
  const { message, say } = said(text);
  return new AwsGatewayError(code, message, { cause, say });
};

/** The AWS error name of an SDK exception (ServiceNotFoundException, ListenerNotFound, …), or undefined. */
export function awsErrorName(err: unknown): string | undefined {
  return err instanceof Error && '$metadata' in err ? err.name : undefined;
}

/**
 * STS refused to hand out the environment's role (AssumeRole): nothing else can be said about the call that needed
 * it, so the message names STS, the role and its trust policy, with STS's own words (which name the caller).
 */
export class AssumeRoleFailed extends Error {
  constructor(
    readonly roleArn: string,
    cause: unknown,
  ) {
    const sts = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(messages('en').errors.assumeRole({ role: roleArn, sts }), { cause });
    this.name = 'AssumeRoleFailed';
    this.say = (lang) => messages(lang).errors.assumeRole({ role: roleArn, sts });
  }

  readonly say: Said;
}

/**
 * The AWS call an error came from ("DescribeListeners"), stamped by a middleware every client carries
 * (src/aws/clients.ts): an SDK error does not say which call it answered.
 */
export const CALL = Symbol.for('ecs-chatops.aws-call');
export const callOf = (err: unknown): string | undefined => (typeof err === 'object' && err !== null ? (err as { [CALL]?: string })[CALL] : undefined);

const httpStatus = (err: unknown): number | undefined => (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
const SERVER = new Set(['InternalFailure', 'InternalError', 'InternalServerError', 'InternalServiceError', 'ServiceUnavailable', 'ServiceUnavailableException', 'ServerException', 'Unknown', 'UnknownError']);

const THROTTLED = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'PriorRequestNotComplete', 'RequestLimitExceeded']);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'ExpiredToken', 'InvalidClientTokenId', 'UnrecognizedClientException']);

/**
 * Maps an SDK error into a gateway error, with `hint` saying where in ops.yml to look (or, where it is not an ops.yml
 * mistake, what to do, in a language). What the call was about is a string, or the gateway's words in a language
 * (src/i18n/resources.ts).
 */
export function translate(err: unknown, about: string | Said, hint: string | Said, notFoundNames: readonly string[] = []): AwsGatewayError {
  const m = (lang: Lang) => messages(lang).errors;
  const w = (l: Lang) => (typeof about === 'string' ? about : about(l));
  const what = w('en');
  const h = (l: Lang) => (typeof hint === 'string' ? hint : hint(l));
  if (err instanceof AssumeRoleFailed) return gatewayError(AwsErrorCode.accessDenied, (l) => m(l).neededFor({ error: err.say(l), what: w(l) }), err);
  const name = awsErrorName(err);
  const detail = err instanceof Error ? err.message : String(err);
  // AWS's own failure (a 5xx after the SDK's retries, or a body it could not read): the request was fine, try again.
  const status = httpStatus(err);
  if (name && ((status !== undefined && status >= 500) || SERVER.has(name))) {
    const code = name === 'Unknown' || name === 'UnknownError' ? '' : ` ${name}`;
    return gatewayError(AwsErrorCode.unavailable, (l) => m(l).awsFailed({ call: callOf(err) ?? m(l).itsCall, what: w(l), status: String(status ?? '5xx'), code }), err);
  }
  if (name && notFoundNames.includes(name)) return gatewayError(AwsErrorCode.notFound, (l) => m(l).notFound({ what: w(l), hint: h(l) }), err);
  if (name && THROTTLED.has(name)) return gatewayError(AwsErrorCode.throttled, (l) => m(l).throttled({ what: w(l) }), err);
  if (name && DENIED.has(name)) return gatewayError(AwsErrorCode.accessDenied, (l) => m(l).denied({ what: w(l), name }), err);
  if (name === undefined) return gatewayError(AwsErrorCode.unavailable, (l) => m(l).unreachable({ what: w(l), detail }), err);
  return new AwsGatewayError(AwsErrorCode.invalid, `${what}: ${name}: ${detail}`, { cause: err });
}
