// manifest.yml creates the app in one step: the commands it declares are the ones the registry wires.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { commandSpecs } from '../src/registry.js';

const Manifest = z.object({
  features: z.object({
    slash_commands: z.array(z.object({ command: z.string(), description: z.string(), usage_hint: z.string().optional() })),
    app_home: z.object({ home_tab_enabled: z.boolean() }),
  }),
  oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()) }) }),
  settings: z.object({
    interactivity: z.object({ is_enabled: z.boolean() }),
    socket_mode_enabled: z.boolean(),
    event_subscriptions: z.object({ bot_events: z.array(z.string()) }),
  }),
});

const manifest = Manifest.parse(parse(readFileSync(new URL('../manifest.yml', import.meta.url), 'utf8')));

describe('manifest.yml', () => {
  it('declares exactly the slash commands the handlers wire, with the same hints', () => {
    expect(manifest.features.slash_commands.map((c) => [c.command, c.usage_hint])).toEqual(commandSpecs().map((c) => [c.command, c.usageHint]));
  });

  it('asks for the smallest set of scopes the code uses', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(['channels:history', 'chat:write', 'commands', 'files:write', 'groups:history', 'usergroups:read', 'users:read']);
  });

  it('turns on interactivity, the App Home and Socket Mode', () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_home_opened']);
  });

  it('keeps descriptions within Slack limits', () => {
    for (const c of manifest.features.slash_commands) expect(c.description.length).toBeLessThanOrEqual(100);
  });
});
