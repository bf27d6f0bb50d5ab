// An AWS-shaped error thrown by sandbox handlers; the server turns it into each protocol's error body.

export class AwsError extends Error {
  constructor(
    /** The error code the SDK maps to an exception class, e.g. ServiceNotFoundException, PriorityInUse. */
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}
