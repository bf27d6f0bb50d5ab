// The shape every Slack request must have before any listener sees it (zod): a tampered or truncated payload is
// answered at once and goes no further, whatever the receiver (HTTP, Socket Mode, Lambda).
import type { App, BlockAction, Middleware, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { ActionId } from '../blocks/actions.js';
import { CONFIRM_CALLBACK } from '../blocks/confirm.js';
import { CutoverActionId } from '../blocks/cutover.js';
import type { Log } from '../src/log.js';
import type { CommandSpec } from './commands/spec.js';
import { messages, type Lang } from '../src/i18n/index.js';

const SlackId = z.string().regex(/^[UWB][A-Z0-9]{2,30}$/);

/** Every action id a listener answers; anything else is refused politely by `unknownAction`. */
export const KNOWN_ACTION = new RegExp(`^(run\\.[a-z]+(?:-[a-z]+)?|${[ActionId.endMaintenance, ActionId.scheduleSkip, ActionId.scheduleCancel, CutoverActionId.back].map((a) => a.replace('.', '\\.')).join('|')})$`);

const commandSchema = (commands: readonly CommandSpec[]) =>
  z.object({
    command: z.string().refine((c) => commands.some((k) => k.command === c), 'not a command of this bot'),
    user_id: SlackId,
    channel_id: z.string().min(1),
    text: z.string(),
  });
/**
 * The command schema of a list of commands, built once per list: a zod object compiles its fast path on first use, so
 * one built per request cost each slash command a compile (~0.3 ms of its ack at 100 concurrent, and garbage) —
 * issue 23, fifth session's CPU profile.
 */
const commandSchemas = new WeakMap<readonly CommandSpec[], ReturnType<typeof commandSchema>>();
export function commandSchemaFor(commands: readonly CommandSpec[]): ReturnType<typeof commandSchema> {
  let schema = commandSchemas.get(commands);
  if (!schema) commandSchemas.set(commands, (schema = commandSchema(commands)));
  return schema;
}
const BlockActionsSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: SlackId }),
  actions: z.array(z.object({ action_id: z.string().min(1).max(255) })).min(1),
});
const ViewSubmissionSchema = z.object({
  type: z.literal('view_submission'),
  user: z.object({ id: SlackId }),
  view: z.object({ callback_id: z.literal(CONFIRM_CALLBACK), private_metadata: z.string(), state: z.object({ values: z.record(z.string(), z.unknown()) }) }),
});

/** Why a request is refused before any listener, or undefined when its shape is sound (events pass: Bolt acks them). */
export function malformed(body: unknown, commands: readonly CommandSpec[]): string | undefined {
  const b = (body ?? {}) as Record<string, unknown>;
  if (b.type === 'event_callback' || b.type === 'url_verification' || b.type === 'block_suggestion' || b.type === 'view_closed') return undefined;
  let parsed;
  if (b.type === 'block_actions') parsed = BlockActionsSchema.safeParse(b);
  else if (b.type === 'view_submission') parsed = ViewSubmissionSchema.safeParse(b);
  else if (b.type === undefined && 'command' in b) parsed = commandSchemaFor(commands).safeParse(b);
  else return `not a request this bot answers (type ${JSON.stringify(b.type ?? null).slice(0, 40)})`;
  return parsed.success ? undefined : parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}

/**
 * Bolt leaves a request it cannot route unanswered (Slack waits 3 s, the log says "not acknowledged"), and a listener
 * would meet `body.user` undefined. Wrapping `processEvent` catches them after the receiver verified the signature.
 */
export function guardPayloads(app: App, log: Log, commands: readonly CommandSpec[], langOf: (userId: string | undefined) => Lang = () => 'en'): void {
  const process = app.processEvent.bind(app);
  app.processEvent = async (event) => {
    const why = malformed(event.body, commands);
    if (!why) return process(event);
    log.warn({ why }, 'refused a malformed Slack payload');
    const isCommand = typeof (event.body as { command?: unknown }).command === 'string' || !('type' in (event.body as object));
    // Answered at once (no lookup before this ack): the person's language if already known, else ops.yml's.
    const user = (event.body as { user_id?: unknown }).user_id;
    const lang = langOf(typeof user === 'string' ? user : undefined);
    await event.ack(isCommand ? { response_type: 'ephemeral', text: messages(lang).replies.unknownRequest } : undefined);
  };
}

/** Every action id no listener answers. */
export const UNKNOWN_ACTION = new RegExp(`^(?!${KNOWN_ACTION.source.slice(1, -1)}$)`);

/** A listener for button ids no listener knows (an older rendering, a forged payload): answered at once, in words. */
export const unknownAction =
  (langOf: (userId: string | undefined) => Promise<Lang> = async () => 'en'): Middleware<SlackActionMiddlewareArgs<BlockAction>> =>
  async ({ ack, respond, body }) => {
    await ack();
    await respond({ response_type: 'ephemeral', replace_original: false, text: messages(await langOf(body.user.id)).replies.unknownButton });
  };

