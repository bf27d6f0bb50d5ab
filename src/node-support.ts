// Which Node.js versions the bot is tested on, and the AWS SDK's "Node.js 22 from January 2027" warning answered for them.

/** The majors CI runs the whole suite on (`.ci/run`): this machine's Node.js 20 and Node.js 24, the Docker image's. */
export const TESTED_NODE_MAJORS = [20, 24] as const;
/** The oldest release `engines` accepts (require(esm) without a flag). */
export const MIN_NODE = { major: 20, minor: 19 } as const;

export interface NodeSupport {
  version: string;
  /** At or above MIN_NODE: the bot is tested on it and its pinned AWS SDK runs on it. */
  supported: boolean;
}

export function nodeSupport(version: string): NodeSupport {
  const [major = 0, minor = 0] = /^v?(\d+)\.(\d+)/.exec(version)?.slice(1).map(Number) ?? [];
  const supported = major > MIN_NODE.major || (major === MIN_NODE.major && minor >= MIN_NODE.minor);
  return { version, supported };
}

/**
 * The AWS SDK prints, at the first client it builds on Node.js < 22, that its releases published after the first
 * week of January 2027 will require Node.js 22. That is a note for whoever upgrades the SDK — this project pins it,
 * and the first release of ecs-chatops that takes a 2027 SDK also raises `engines` to Node.js 22 (README,
 * "Node.js versions") — not something an operator starting the bot can act on. So on a supported Node.js it is
 * switched off through the SDK's own documented variable; on an unsupported one it is left as the SDK prints it.
 * Call before the first SDK client is built. Returns whether it was switched off.
 */
export function quietSdkNodeWarning(env: Record<string, string | undefined>, version: string): boolean {
  if (!nodeSupport(version).supported) return false;
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === 'true';
}
