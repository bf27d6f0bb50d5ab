// Typed errors from the gateways: a code the program branches on, a sentence a person acts on, the SDK error as cause.

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
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AwsGatewayError';
  }
}

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
    super(`STS refused AssumeRole on ${roleArn} (${sts}) — check that the role's trust policy lets the bot's own identity assume it (sts:AssumeRole), and that the bot's policy allows sts:AssumeRole on it`, { cause });
    this.name = 'AssumeRoleFailed';
  }
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

/** Maps an SDK error into a gateway error, with `hint` saying where in ops.yml to look. */
export function translate(err: unknown, what: string, hint: string, notFoundNames: readonly string[] = []): AwsGatewayError {
  if (err instanceof AssumeRoleFailed) return new AwsGatewayError(AwsErrorCode.accessDenied, `${err.message} — needed for ${what}`, { cause: err });
  const name = awsErrorName(err);
  const detail = err instanceof Error ? err.message : String(err);
  // AWS's own failure (a 5xx after the SDK's retries, or a body it could not read): the request was fine, try again.
  const status = httpStatus(err);
  if (name && ((status !== undefined && status >= 500) || SERVER.has(name))) {
    const code = name === 'Unknown' || name === 'UnknownError' ? '' : ` ${name}`;
    return new AwsGatewayError(AwsErrorCode.unavailable, `AWS failed on ${callOf(err) ?? 'its call'} for ${what} (HTTP ${status ?? '5xx'}${code}) — nothing is wrong with the request; retry`, { cause: err });
  }
  if (name && notFoundNames.includes(name)) return new AwsGatewayError(AwsErrorCode.notFound, `${what} not found — ${hint}`, { cause: err });
  if (name && THROTTLED.has(name)) return new AwsGatewayError(AwsErrorCode.throttled, `AWS kept throttling ${what} after retries — try again in a minute`, { cause: err });
  if (name && DENIED.has(name)) return new AwsGatewayError(AwsErrorCode.accessDenied, `AWS denied access to ${what} (${name}) — check the IAM role of this environment`, { cause: err });
  if (name === undefined) return new AwsGatewayError(AwsErrorCode.unavailable, `AWS could not be reached for ${what}: ${detail}`, { cause: err });
  return new AwsGatewayError(AwsErrorCode.invalid, `${what}: ${name}: ${detail}`, { cause: err });
}
