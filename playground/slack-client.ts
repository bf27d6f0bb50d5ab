// Plays Slack's side of the bot's HTTP endpoint: slash commands, button presses and modal submissions, signed as Slack signs them.
import { createHmac, randomBytes } from 'node:crypto';
import { stringify } from 'node:querystring';
import type { FakeSlack, FakeView, SlackBlock, SlackEphemeral, SlackMessage } from './fake-slack.js';

/** Ways to make a request that Slack would never send, to prove the bot refuses it. */
export interface Tamper {
  /** 'bad': a well-formed v0 signature over a different secret; 'missing': no signature header at all. */
  signature?: 'bad' | 'missing';
  /** Shifts X-Slack-Request-Timestamp (negative = in the past). */
  timestampOffsetSeconds?: number;
  contentType?: string;
  /** Another path than /slack/events. */
  path?: string;
}

export interface SlackResponse {
  status: number;
  /** Parsed JSON when the answer is JSON, else the text ('' for an empty ack). */
  body: unknown;
  headers: Record<string, string>;
}

export interface SlackClientOptions {
  /** The bot's receiver root, e.g. http://127.0.0.1:PORT */
  baseUrl: string;
  signingSecret: string;
  fakeSlack: FakeSlack;
  teamId?: string;
  defaultUser?: string;
  defaultChannel?: string;
  /** Slack's deprecated verification token; sent because Slack still sends it, never checked by Bolt. */
  verificationToken?: string;
  /** Slack's clock, for request timestamps: a test's simulated one, so the bot's replay guard reads them on its own time. */
  now?: () => number;
}

export interface ActorOptions extends Tamper {
  user?: string;
  channel?: string;
  triggerId?: string;
}

export interface PressOptions extends Tamper {
  user?: string;
  /** Overrides the button's value (or picks the option with this value in a select). */
  value?: string;
  triggerId?: string;
  /** Press the version passed in, as a user whose screen had not refreshed; by default the current version is read from the fake. */
  asShown?: boolean;
}

/** What a test may submit for one input: text, one option's value, or several (checkboxes, multi-selects). */
export type InputValue = string | string[] | null;

export const SLACK_EVENTS_PATH = '/slack/events';

/** Slack's v0 request signature: HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing secret, hex. */
export function signSlackRequest(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const plain = (text: string) => ({ type: 'plain_text', text, emoji: true });

/** Every interactive element of a message, wherever Slack would draw it (actions blocks, section accessories). */
function interactiveElements(blocks: readonly SlackBlock[]): { blockId: string; element: Record<string, unknown> }[] {
  const out: { blockId: string; element: Record<string, unknown> }[] = [];
  blocks.forEach((b, i) => {
    // Slack fills in a block_id when the app did not set one; a stable stand-in is enough here.
    const blockId = typeof b.block_id === 'string' ? b.block_id : `fake-block-${i}`;
    if (b.type === 'actions' && Array.isArray(b.elements)) for (const e of b.elements) if (isRecord(e)) out.push({ blockId, element: e });
    if (b.type === 'section' && isRecord(b.accessory)) out.push({ blockId, element: b.accessory });
  });
  return out;
}

const label = (e: Record<string, unknown>): string => (isRecord(e.text) && typeof e.text.text === 'string' ? e.text.text : isRecord(e.placeholder) && typeof e.placeholder.text === 'string' ? e.placeholder.text : String(e.type));

/** The options of a select/checkboxes/radio element, option groups flattened. */
function optionsOf(e: Record<string, unknown>): Record<string, unknown>[] {
  const direct = Array.isArray(e.options) ? e.options : [];
  const grouped = Array.isArray(e.option_groups) ? e.option_groups.flatMap((g) => (isRecord(g) && Array.isArray(g.options) ? g.options : [])) : [];
  return [...direct, ...grouped].filter(isRecord);
}

function pickOption(e: Record<string, unknown>, value: string, where: string): Record<string, unknown> {
  const options = optionsOf(e);
  const found = options.find((o) => o.value === value);
  if (!found) throw new Error(`${where}: no option with value ${JSON.stringify(value)}; options there: ${options.map((o) => JSON.stringify(o.value)).join(', ') || '(none)'}`);
  return found;
}

export function slackClient(opts: SlackClientOptions) {
  const fake = opts.fakeSlack;
  const teamId = opts.teamId ?? fake.teamId;
  const teamDomain = fake.teamDomain;
  const defaultUser = opts.defaultUser ?? 'U0DEV0001';
  const defaultChannel = opts.defaultChannel ?? 'C0DEV0001';
  const verificationToken = opts.verificationToken ?? 'fake-verification-token';
  const base = opts.baseUrl.replace(/\/$/, '');
  const now = opts.now ?? (() => Date.now());
  let seq = 0;

  const userName = (id: string) => id.toLowerCase();
  // Slack's trigger ids look like `<number>.<number>.<hex>`; the user rides along so the fake can tell whose modal opened.
  const newTriggerId = (user: string) => `${Date.now()}.${++seq}.${user}.${randomBytes(8).toString('hex')}`;
  const newResponseId = (kind: string) => `${kind}-${Date.now()}-${++seq}-${randomBytes(4).toString('hex')}`;

  async function send(body: string, headers: Record<string, string>, tamper: Tamper = {}): Promise<SlackResponse> {
    const timestamp = Math.floor(now() / 1000) + (tamper.timestampOffsetSeconds ?? 0);
    const h: Record<string, string> = {
      'content-type': tamper.contentType ?? 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...headers,
    };
    if (tamper.signature !== 'missing') h['x-slack-signature'] = signSlackRequest(tamper.signature === 'bad' ? `${opts.signingSecret}-forged` : opts.signingSecret, timestamp, body);
    else delete h['x-slack-signature'];
    const res = await fetch(`${base}${tamper.path ?? SLACK_EVENTS_PATH}`, { method: 'POST', headers: h, body, redirect: 'error' });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') || /^\s*[[{]/.test(text)) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, body: parsed, headers: Object.fromEntries(res.headers.entries()) };
  }

  const sendPayload = (payload: unknown, tamper?: Tamper) => send(stringify({ payload: JSON.stringify(payload) }), {}, tamper);

  const userObject = (user: string) => ({ id: user, username: userName(user), name: userName(user), team_id: teamId });

  return {
    /** Sends raw bytes, signed as Slack would unless tampered; headers win over the defaults. */
    raw: (body: string, headers: Record<string, string> = {}, tamper?: Tamper) => send(body, headers, tamper),

    /** A slash command as Slack posts it; its synchronous answer is also shown in the fake, as Slack would show it. */
    async command(text: string, o: ActorOptions = {}): Promise<SlackResponse> {
      const m = /^\s*(\/\S+)\s*([\s\S]*)$/.exec(text);
      if (!m) throw new Error(`slackClient.command: ${JSON.stringify(text)} does not start with a /command`);
      const user = o.user ?? defaultUser;
      const channel = o.channel ?? defaultChannel;
      const context = { user, channel };
      const responseUrl = fake.responseUrl(newResponseId('command'), context);
      const form = {
        token: verificationToken,
        team_id: teamId,
        team_domain: teamDomain,
        channel_id: channel,
        channel_name: channel.toLowerCase(),
        user_id: user,
        user_name: userName(user),
        command: m[1]!,
        text: m[2]!.trim(),
        api_app_id: fake.appId,
        is_enterprise_install: 'false',
        response_url: responseUrl,
        trigger_id: o.triggerId ?? newTriggerId(user),
      };
      const res = await send(stringify(form), {}, o);
      if (res.status === 200) fake.recordCommandAck(context, res.body);
      return res;
    },

    /** Presses a button (or picks from a select) on a message the fake holds; throws when the message does not show it. */
    async press(message: SlackMessage | SlackEphemeral, actionId: string, o: PressOptions = {}): Promise<SlackResponse> {
      const isEphemeral = !('ts' in message);
      const current = !isEphemeral && !o.asShown ? fake.message(message.channel, message.ts) : undefined;
      if (!isEphemeral && !o.asShown && !current) throw new Error(`slackClient.press: message ${message.channel}/${message.ts} is no longer in the fake (deleted?)`);
      const shown = current ?? message;
      const found = interactiveElements(shown.blocks).find((x) => x.element.action_id === actionId);
      if (!found) {
        const there = interactiveElements(shown.blocks).map((x) => `${String(x.element.action_id)} ("${label(x.element)}")`);
        const where = isEphemeral ? 'the ephemeral message' : `message ${(shown as SlackMessage).channel}/${(shown as SlackMessage).ts}`;
        throw new Error(`slackClient.press: no element with action_id "${actionId}" on ${where}; it shows: ${there.join(', ') || 'no buttons'}`);
      }
      const { blockId, element } = found;
      const user = o.user ?? defaultUser;
      const channel = shown.channel ?? defaultChannel;
      const ts = isEphemeral ? (shown as SlackEphemeral).message_ts ?? `${Math.floor(Date.now() / 1000)}.000000` : (shown as SlackMessage).ts;
      const actionTs = `${(Date.now() / 1000).toFixed(6)}`;
      let action: Record<string, unknown>;
      switch (element.type) {
        case 'button': {
          const value = o.value ?? element.value;
          action = { action_id: actionId, block_id: blockId, text: element.text ?? plain(''), ...(value !== undefined ? { value } : {}), ...(element.style ? { style: element.style } : {}), type: 'button', action_ts: actionTs };
          break;
        }
        case 'static_select':
        case 'overflow':
        case 'radio_buttons': {
          const where = `slackClient.press: ${actionId}`;
          const option = o.value !== undefined ? pickOption(element, o.value, where) : optionsOf(element)[0];
          if (!option) throw new Error(`${where} has no options to pick`);
          action = { type: element.type, action_id: actionId, block_id: blockId, selected_option: option, ...(isRecord(element.placeholder) ? { placeholder: element.placeholder } : {}), action_ts: actionTs };
          break;
        }
        default:
          throw new Error(`slackClient.press: ${actionId} is a ${String(element.type)}, which press() does not drive (buttons, static_select, overflow, radio_buttons)`);
      }
      const responseUrl = fake.responseUrl(newResponseId('action'), { user, channel, ...(isEphemeral ? {} : { message: { channel, ts } }) });
      const payload = {
        type: 'block_actions',
        user: userObject(user),
        api_app_id: fake.appId,
        token: verificationToken,
        container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: isEphemeral },
        trigger_id: o.triggerId ?? newTriggerId(user),
        team: { id: teamId, domain: teamDomain },
        enterprise: null,
        is_enterprise_install: false,
        channel: { id: channel, name: channel.toLowerCase() },
        // Slack sends the message only for ordinary ones; an ephemeral's content is not echoed back.
        ...(isEphemeral
          ? {}
          : {
              message: {
                type: 'message',
                user: fake.botUserId,
                bot_id: fake.botId,
                app_id: fake.appId,
                team: teamId,
                text: shown.text,
                blocks: shown.blocks,
                ts,
                ...(shown.thread_ts ? { thread_ts: shown.thread_ts } : {}),
              },
            }),
        state: { values: {} },
        response_url: responseUrl,
        actions: [action],
      };
      return sendPayload(payload, o);
    },

    /**
     * Submits a modal with values keyed by block_id then action_id, shaped per element type as Slack does; the
     * answer (close, errors, update) is applied to the fake's view.
     */
    async submitView(view: FakeView, values: Record<string, Record<string, InputValue>>, o: ActorOptions = {}): Promise<SlackResponse> {
      const current = fake.view(view.id)?.view ?? view;
      const inputs = current.blocks.filter((b) => b.type === 'input' && isRecord(b.element));
      const state: Record<string, Record<string, unknown>> = {};
      for (const b of inputs) {
        const el = b.element as Record<string, unknown>;
        const blockId = String(b.block_id);
        const actionId = String(el.action_id);
        const given = values[blockId]?.[actionId];
        const where = `slackClient.submitView: ${blockId}.${actionId}`;
        const one = (v: InputValue | undefined) => (Array.isArray(v) ? v[0] : v) ?? null;
        const many = (v: InputValue | undefined) => (v == null ? [] : Array.isArray(v) ? v : [v]);
        let entry: Record<string, unknown>;
        switch (el.type) {
          case 'plain_text_input':
          case 'number_input':
          case 'email_text_input':
          case 'url_text_input':
            entry = { type: el.type, value: one(given) };
            break;
          case 'static_select':
          case 'radio_buttons': {
            const v = one(given);
            entry = { type: el.type, selected_option: v === null ? null : pickOption(el, v, where) };
            break;
          }
          case 'checkboxes':
          case 'multi_static_select':
            entry = { type: el.type, selected_options: many(given).map((v) => pickOption(el, v, where)) };
            break;
          case 'users_select':
            entry = { type: el.type, selected_user: one(given) };
            break;
          case 'conversations_select':
          case 'channels_select':
            entry = { type: el.type, [el.type === 'channels_select' ? 'selected_channel' : 'selected_conversation']: one(given) };
            break;
          case 'datepicker':
            entry = { type: el.type, selected_date: one(given) };
            break;
          case 'timepicker':
            entry = { type: el.type, selected_time: one(given) };
            break;
          default:
            entry = { type: el.type, value: one(given) };
        }
        (state[blockId] ??= {})[actionId] = entry;
      }
      // A value for an input the modal does not have is a test bug: say which inputs exist.
      for (const [blockId, byAction] of Object.entries(values)) {
        for (const actionId of Object.keys(byAction)) {
          if (!state[blockId] || !(actionId in state[blockId])) {
            const there = Object.entries(state).flatMap(([bid, acts]) => Object.keys(acts).map((a) => `${bid}.${a}`));
            throw new Error(`slackClient.submitView: view ${current.id} (${current.callback_id ?? ''}) has no input ${blockId}.${actionId}; inputs: ${there.join(', ') || 'none'}`);
          }
        }
      }
      const user = o.user ?? defaultUser;
      const payload = {
        type: 'view_submission',
        team: { id: teamId, domain: teamDomain },
        user: userObject(user),
        api_app_id: fake.appId,
        token: verificationToken,
        trigger_id: o.triggerId ?? newTriggerId(user),
        view: { ...current, state: { values: state } },
        response_urls: [],
        is_enterprise_install: false,
        enterprise: null,
      };
      const res = await sendPayload(payload, o);
      if (res.status === 200) fake.recordViewAck(current.id, res.body === '' ? {} : res.body);
      return res;
    },

    /** An Events API callback (e.g. app_home_opened), JSON as Slack posts events. */
    event(event: Record<string, unknown> & { type: string }, o: Tamper = {}): Promise<SlackResponse> {
      const body = JSON.stringify({
        token: verificationToken,
        team_id: teamId,
        api_app_id: fake.appId,
        event: { event_ts: `${(Date.now() / 1000).toFixed(6)}`, ...event },
        type: 'event_callback',
        event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ enterprise_id: null, team_id: teamId, user_id: fake.botUserId, is_bot: true, is_enterprise_install: false }],
        is_ext_shared_channel: false,
      });
      return send(body, {}, { contentType: 'application/json', ...o });
    },
  };
}

export type SlackClient = ReturnType<typeof slackClient>;
