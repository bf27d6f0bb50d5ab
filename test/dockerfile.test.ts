// The Dockerfile cannot be built here (no Docker engine), so its promises are checked as text: multi-stage,
// current LTS image, production dependencies only, a non-root user, a health check on /healthz, the built entry.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const docker = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');

describe('Dockerfile', () => {
  it('builds in one stage and runs the compiled bot as a non-root user in another', () => {
    expect(docker.match(/^FROM /gm)).toHaveLength(2);
    expect(docker).toMatch(/^FROM node:(22|24)-[a-z-]+ AS build$/m);
    expect(docker).toContain('RUN npm run build && npm prune --omit=dev');
    expect(docker).toMatch(/^USER node$/m);
    expect(docker).toContain('CMD ["node", "dist/src/cli.js"]');
  });

  it('checks health on /healthz and copies what the entry point reads at run time', () => {
    expect(docker).toMatch(/HEALTHCHECK[\s\S]*\/healthz/);
    for (const path of ['src', 'handlers', 'blocks', 'ops.example.yml', 'src/playground/web']) expect(docker).toContain(path);
  });
});
