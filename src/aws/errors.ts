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

const THROTTLED = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'PriorRequestNotComplete', 'RequestLimitExceeded']);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'ExpiredToken', 'InvalidClientTokenId', 'UnrecognizedClientException']);

/** Maps an SDK error into a gateway error, with `hint` saying where in ops.yml to look. */
export function translate(err: unknown, what: string, hint: string, notFoundNames: readonly string[] = []): AwsGatewayError {
  const name = awsErrorName(err);
  const detail = err instanceof Error ? err.message : String(err);
  if (name && notFoundNames.includes(name)) return new AwsGatewayError(AwsErrorCode.notFound, `${what} not found — ${hint}`, { cause: err });
  if (name && THROTTLED.has(name)) return new AwsGatewayError(AwsErrorCode.throttled, `AWS kept throttling ${what} after retries — try again in a minute`, { cause: err });
  if (name && DENIED.has(name)) return new AwsGatewayError(AwsErrorCode.accessDenied, `AWS denied access to ${what} (${name}) — check the IAM role of this environment`, { cause: err });
  if (name === undefined) return new AwsGatewayError(AwsErrorCode.unavailable, `AWS could not be reached for ${what}: ${detail}`, { cause: err });
  return new AwsGatewayError(AwsErrorCode.invalid, `${what}: ${name}: ${detail}`, { cause: err });
}
