// ops.yml ARNs are checked against the whole grammar of their resource type at start: partition, service, region,
// 12-digit account and resource path; the error names the path and shows what was expected.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config/load.js';

const LISTENER = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/web/0123456789abcdef/0123456789abcdef';
const TG = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:targetgroup/web-blue/0123456789abcdef';

function problemsOf(yaml: string): string[] {
  try {
    parseConfig(yaml);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}
const config = (listenerArn: string, roleArn = 'arn:aws:iam::111111111111:role/ecs-chatops') => `
environments:
  prod:
    region: ap-northeast-1
    roleArn: ${roleArn}
    channel: C0PROD001
    cluster: prod
    maintenance:
      listeners:
        - name: api
          listenerArn: "${listenerArn}"
          response: { fixed: { status: 503 } }
`;

describe('ARN grammar in ops.yml', () => {
  it('accepts well-formed ARNs, role paths and other partitions', () => {
    expect(problemsOf(config(LISTENER))).toEqual([]);
    expect(problemsOf(config(LISTENER.replace('arn:aws:', 'arn:aws-cn:'), 'arn:aws:iam::111111111111:role/service-role/ecs-chatops'))).toEqual([]);
  });

  it.each([
    ['the bare prefix', 'arn:aws:elasticloadbalancing:', /not a complete ARN/],
    ['no account', 'arn:aws:elasticloadbalancing:ap-northeast-1::listener/app/web/0123456789abcdef/0123456789abcdef', /account "" is not 12 digits/],
    ['a short account', LISTENER.replace('111111111111', '11111'), /account "11111" is not 12 digits/],
    ['a truncated listener id', LISTENER.slice(0, -3), /is not listener\/app\/<load balancer name>\/<16 hex>\/<16 hex>/],
    ['a target group where a listener is expected', TG, /this is a target group ARN, not an ALB\/NLB listener ARN/],
    ['another service', 'arn:aws:ecs:ap-northeast-1:111111111111:service/prod/web', /this is a ecs ARN/],
    ['no region', LISTENER.replace('ap-northeast-1', ''), /region "" is not an AWS region/],
    ['an unknown partition', LISTENER.replace('arn:aws:', 'arn:azure:'), /unknown partition "azure"/],
  ])('refuses a listener ARN with %s, naming the path and the expected form', (_name, arn, why) => {
    const problems = problemsOf(config(arn));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^environments\.prod\.maintenance\.listeners\[0\]\.listenerArn: /);
    expect(problems[0]).toMatch(why);
    expect(problems[0]).toContain('expected an ALB/NLB listener ARN: arn:aws:elasticloadbalancing:<region>:<12-digit account>:listener/app/');
  });

  it.each([
    ['no account and no role/ path', 'arn:aws:iam:role/x', /not a complete ARN/],
    ['a role name glued to "role"', 'arn:aws:iam::111111111111:roleX/does-not-exist', /resource "roleX\/does-not-exist" is not role\//],
    ['a user ARN', 'arn:aws:iam::111111111111:user/deploy', /resource "user\/deploy" is not role\//],
    ['a region on an IAM ARN', 'arn:aws:iam:ap-northeast-1:111111111111:role/x', /iam ARNs have no region/],
  ])('refuses a roleArn with %s', (_name, arn, why) => {
    const problems = problemsOf(config(LISTENER, arn));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^environments\.prod\.roleArn: /);
    expect(problems[0]).toMatch(why);
    expect(problems[0]).toContain('expected an IAM role ARN: arn:aws:iam::<12-digit account>:role/');
  });
});
