// The shape check of a slash command (handlers/edge.ts) uses one zod schema per list of commands, built once: one
// built per request made every command pay zod's compile of its fast path on the ack path (issue 23's CPU profile
// at 100 concurrent: ~170 ms of 25 s busy, and the garbage). The check itself still refuses what it refused.
import { describe, expect, it } from 'vitest';
import { commandSchemaFor, malformed } from '../handlers/edge.js';
import { commandSpecs } from '../src/registry.js';

describe('the slash command shape check', () => {
  it('is one schema per list of commands, and still refuses an unknown command and a bad user id', () => {
    const commands = commandSpecs();
    expect(commandSchemaFor(commands)).toBe(commandSchemaFor(commands));
    expect(commandSchemaFor([...commands])).not.toBe(commandSchemaFor(commands));
    const ok = { command: commands[0]!.command, user_id: 'U0DEV0001', channel_id: 'C0DEV0001', text: 'help' };
    expect(malformed(ok, commands)).toBeUndefined();
    expect(malformed({ ...ok, command: '/nope' }, commands)).toBe('command: not a command of this bot');
    expect(malformed({ ...ok, user_id: 'x' }, commands)).toMatch(/^user_id: /);
  });
});
