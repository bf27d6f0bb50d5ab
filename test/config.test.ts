import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findCycle } from '../src/config/dag.js';
import { opsJsonSchema } from '../src/config/json-schema.js';
import { ConfigError, loadConfig, parseConfig } from '../src/config/load.js';
import { EXAMPLE_CONFIG } from './support/sandbox.js';

const problemsOf = (yaml: string): string[] => {
  try {
    parseConfig(yaml);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected the config to be refused');
};

const base = `
timezone: Asia/Tokyo
environments:
  dev:
    region: ap-northeast-1
    channel: C0DEV0001
    cluster: dev
    services:
`;

describe('ops.yml', () => {
  it('accepts the shipped example and fills the defaults', () => {
    const config = loadConfig(EXAMPLE_CONFIG);
    expect(Object.keys(config.environments)).toEqual(['dev', 'prod']);
    expect(config.environments.dev?.services['service-b']?.dependsOn).toEqual(['service-a']);
    expect(config.environments.prod?.permissions.requireApproval).toBe(true);
    expect(config.environments.prod?.canary.web?.auto).toBe(false);
  });

  it('names the path and the known services for an unknown dependency', () => {
    const problems = problemsOf(`${base}      api: { dependsOn: [db] }\n`);
    expect(problems).toEqual(['environments.dev.services.api.dependsOn[0]: unknown service "db" — known services: api']);
  });

  it("holds ECS-native deploy targets to ECS's ranges, naming the path", () => {
    const arnOf = (kind: string, id: string) => `arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:${kind}/${id}`;
    const target = (extra: string) => `${base}      shop: {}
    deploy:
      shop:
        strategy: ecs
        container: web
        port: 80
        targetGroupArn: ${arnOf('targetgroup', 'shop-blue/0000000000000001')}
        alternateTargetGroupArn: ${arnOf('targetgroup', 'shop-green/0000000000000002')}
        productionListenerRuleArn: ${arnOf('listener-rule', 'app/shop/0000000000000001/0000000000000002/0000000000000003')}
        roleArn: arn:aws:iam::111111111111:role/ecs-lb
${extra}`;
    expect(parseConfig(target('        type: CANARY\n        canaryPercent: 12.5\n')).environments.dev?.deploy.shop).toMatchObject({ type: 'CANARY', canaryPercent: 12.5, pauseTimeoutAction: 'ROLLBACK' });
    const problems = problemsOf(
      target(`        type: LINEAR
        bakeMinutes: 1441
        canaryPercent: 0.05
        linearStepPercent: 12.34
        pauseAt: [PRODUCTION_TRAFFIC_SHIFT]
        pauseTimeoutMinutes: 20161
`),
    );
    const at = (path: string) => problems.find((p) => p.startsWith(`environments.dev.deploy.shop.${path}:`)) ?? `nothing for ${path} in ${problems.join(' | ')}`;
    expect(at('bakeMinutes')).toContain('0–1440 minutes');
    expect(at('canaryPercent')).toContain('at least 0.1');
    expect(at('linearStepPercent')).toContain('multiple of 0.1');
    expect(at('pauseAt[0]')).toContain('no PAUSE hook at TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT');
    expect(at('pauseTimeoutMinutes')).toContain('1–20160');
  });

  it('spells out a dependency cycle', () => {
    const problems = problemsOf(`${base}      a: { dependsOn: [c] }\n      b: { dependsOn: [a] }\n      c: { dependsOn: [b] }\n`);
    expect(problems).toEqual(['environments.dev.services: dependency cycle: a → c → b → a — remove one of these dependsOn entries']);
  });

  it('refuses unknown keys, bad ids and ALB limits with the fix', () => {
    const problems = problemsOf(`
environments:
  prod:
    region: tokyo
    channel: "#ops"
    cluster: c
    clustr: typo
    maintenance:
      listeners:
        - name: api
          listenerArn: arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/x/1/2
          response: { redirect: { url: "https://example.com/m", status: 303 } }
`);
    expect(problems).toContain('environments.prod: unknown key(s) "clustr" — check the spelling against ops.schema.json');
    expect(problems).toContain('environments.prod.region: must be an AWS region such as ap-northeast-1');
    expect(problems).toContain('environments.prod.channel: must be a Slack channel id such as C0123ABCD (not a #name)');
    expect(problems).toContain('environments.prod.maintenance.listeners[0].response.redirect.status: ALB redirects are 301 or 302 only');
  });

  it('reports YAML syntax errors with their line', () => {
    const problems = problemsOf('environments:\n  dev: [unclosed\n');
    expect(problems[0]).toMatch(/^YAML: .*line/i);
  });

  it('tells how to fix a missing file', () => {
    expect(() => loadConfig('/nonexistent/ops.yml')).toThrow(/copy ops.example.yml/);
  });

  it('finds no cycle in a DAG', () => {
    expect(findCycle({ a: [], b: ['a'], c: ['a', 'b'] })).toBeUndefined();
  });

  it('the committed ops.schema.json is what `npm run schema` generates (run it after changing the schema)', () => {
    const committed = JSON.parse(readFileSync(new URL('../ops.schema.json', import.meta.url), 'utf8')) as unknown;
    expect(committed).toEqual(opsJsonSchema());
  });
});
