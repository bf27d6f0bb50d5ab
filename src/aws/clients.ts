// Builds the AWS SDK v3 clients of one environment: its region, an assumed role when configured, endpoints as the SDK reads them.
// The SDK packages themselves load when a client is first built (./sdk.ts): only their types are imported here.
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { createRequire } from 'node:module';
import type * as CredentialProviders from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { sdk } from './sdk.js';
import { quietSdkNodeWarning } from '../node-support.js';
import { AssumeRoleFailed, CALL } from './errors.js';

export interface AwsClients {
  ecs: ECSClient;
  elbv2: ElasticLoadBalancingV2Client;
  route53: Route53Client;
  codedeploy: CodeDeployClient;
  sfn: SFNClient;
  cloudwatch: CloudWatchClient;
}

export interface ClientOptions {
  /**
   * An explicit endpoint for every service (tests pointing at an in-process sandbox). When absent the SDK
   * itself honours AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> (client ≥ 3.428.0), as documented in
   * the AWS SDKs and Tools reference guide, "Service-specific endpoints".
   */
  endpoint?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** The identity that assumes the environment's role (its `roleArn`); the SDK's default chain when absent. */
  sourceCredentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Total attempts per call, first included (SDK default 3). Writes are "set to X", so a retry cannot double-apply. */
  maxAttempts?: number;
  /** A fixed backoff between attempts, in ms: tests use a small one so injected throttling does not cost seconds. */
  retryDelayMs?: number;
}

// Loaded only for an environment with a roleArn (issue 23, idle footprint: ~4 MB a bot without one never needs).
const load = createRequire(import.meta.url);
const credentialProviders = () => load('@aws-sdk/credential-providers') as typeof CredentialProviders;

/** What `onFirstUse` has built so far, per object it returned (for destroyClients and the footprint test). */
const BUILT = new WeakMap<object, Record<string, unknown>>();

/**
 * An object whose properties are built by their maker on first read and then kept: a bot that only ever touches
 * one environment's listeners builds that environment's ELBv2 client and gateway, not all six.
 */
export function onFirstUse<T extends object>(makers: { [K in keyof T]: () => T[K] }): T {
  const built: Record<string, unknown> = {};
  const out = {} as T;
  for (const key of Object.keys(makers) as (keyof T & string)[]) {
    Object.defineProperty(out, key, { enumerable: true, get: () => (key in built ? built[key] : (built[key] = makers[key]())) });
  }
  BUILT.set(out, built);
  return out;
}

/** The names of the properties of an `onFirstUse` object that have been built so far. */
export function builtSoFar(obj: object): string[] {
  return Object.keys(BUILT.get(obj) ?? {});
}

/** The clients of one environment, each created on its first use (they are cached for the process's life). */
export function createClients(env: { region: string; roleArn?: string | undefined }, opts: ClientOptions = {}): AwsClients {
  // Every entry point (bot, Lambda, sandbox, bench) builds its clients here: the SDK's Node.js 22 notice is answered once.
  quietSdkNodeWarning(process.env, process.version);
  const credentials = opts.credentials ?? (env.roleArn ? assumedRole(env.roleArn, env.region, opts) : undefined);
  const maxAttempts = opts.maxAttempts ?? 5;
  const common = {
    region: env.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    ...(opts.retryDelayMs !== undefined
      ? { retryStrategy: new sdk.retry.ConfiguredRetryStrategy(maxAttempts, opts.retryDelayMs) }
      : { maxAttempts, retryMode: 'adaptive' }),
  };
  return onFirstUse<AwsClients>({
    ecs: () => namingCalls(new sdk.ecs.ECSClient(common)),
    elbv2: () => namingCalls(new sdk.elbv2.ElasticLoadBalancingV2Client(common)),
    route53: () => namingCalls(new sdk.route53.Route53Client(common)),
    codedeploy: () => namingCalls(new sdk.codedeploy.CodeDeployClient(common)),
    sfn: () => namingCalls(new sdk.sfn.SFNClient(common)),
    cloudwatch: () => namingCalls(new sdk.cloudwatch.CloudWatchClient(common)),
  });
}

/**
 * Temporary credentials from STS, refreshed by the provider before they expire. A refusal becomes AssumeRoleFailed,
 * so the message names STS and the role instead of the call that needed the credentials.
 */
function assumedRole(roleArn: string, region: string, opts: ClientOptions): AwsCredentialIdentityProvider {
  const provider = credentialProviders().fromTemporaryCredentials({
    params: { RoleArn: roleArn, RoleSessionName: 'ecs-chatops', DurationSeconds: 3600 },
    clientConfig: { region, ...(opts.endpoint ? { endpoint: opts.endpoint } : {}), ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}) },
    ...(opts.sourceCredentials ? { masterCredentials: opts.sourceCredentials } : {}),
  });
  return async (props) => {
    try {
      return await provider(props);
    } catch (err) {
      throw new AssumeRoleFailed(roleArn, err);
    }
  };
}

/** Stamps every error a client throws with the call it answered (errors.ts `callOf`). */
function namingCalls<C extends { middlewareStack: { add: (mw: never, o: { step: 'initialize'; name: string }) => void } }>(client: C): C {
  const mw = (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
    try {
      return await next(args);
    } catch (err) {
      if (typeof err === 'object' && err !== null && context.commandName) (err as { [CALL]?: string })[CALL] = context.commandName.replace(/Command$/, '');
      throw err;
    }
  };
  client.middlewareStack.add(mw as never, { step: 'initialize', name: 'ecsChatopsNameTheCall' });
  return client;
}

/** Closes the clients that were created (reading the others would create them only to close them). */
export function destroyClients(c: AwsClients): void {
  for (const name of builtSoFar(c) as (keyof AwsClients)[]) c[name].destroy();
}
