// A local stand-in for Slack's Web API: records every call, keeps messages, threads, ephemerals and views (tests and the playground).
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import { z } from 'zod';

/** A Block Kit block as it arrived on the wire: we only rely on `type`, the rest is read defensively. */
export interface SlackBlock {
  type: string;
  block_id?: string;
  [key: string]: unknown;
}

export interface MessageVersion {
  text: string;
  blocks: SlackBlock[];
  attachments?: unknown[];
  /** Which call produced this version: chat.postMessage, chat.update, or a response_url replace. */
  via: string;
  at: number;
}

export interface SlackMessage {
  channel: string;
  ts: string;
  /** Set on replies (and on a parent once it has replies: Slack echoes thread_ts = ts there). */
  thread_ts?: string;
  text: string;
  blocks: SlackBlock[];
  attachments?: unknown[];
  metadata?: unknown;
  /** The bot's user id: everything here was posted by the bot (or by a response_url on its behalf). */
  user: string;
  bot_id: string;
  /** How many times chat.update (or replace_original) changed it. */
  updates: number;
  /** Every version, oldest first; the last one is the current text/blocks. */
  history: MessageVersion[];
  reply_count: number;
  deleted: boolean;
  /** Files shared with the message (files.completeUploadExternal). */
  files?: SharedFile[];
}

/** A file as a message shows it. */
export interface SharedFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  size: number;
}

/** An upload through Slack's external flow: getUploadURLExternal → POST to upload_url → completeUploadExternal. */
export interface FakeUpload {
  id: string;
  filename: string;
  /** The length announced to getUploadURLExternal. */
  length: number;
  /** The bytes POSTed to the upload URL (undefined until then). */
  bytes?: Buffer;
  title?: string;
  /** Where completeUploadExternal shared it. */
  channel?: string;
  thread_ts?: string;
  completed: boolean;
}

export const EphemeralSource = { postEphemeral: 'chat.postEphemeral', responseUrl: 'response_url', ack: 'ack' } as const;
export type EphemeralSource = (typeof EphemeralSource)[keyof typeof EphemeralSource];

export interface SlackEphemeral {
  source: EphemeralSource;
  /** Who sees it; undefined when a response_url was minted without a user. */
  user?: string;
  channel?: string;
  text: string;
  blocks: SlackBlock[];
  thread_ts?: string;
  /** chat.postEphemeral's message_ts; response_url replies have none. */
  message_ts?: string;
  at: number;
}

export interface ResponseUrlReply {
  id: string;
  context: ResponseUrlContext;
  body: ResponseUrlBody;
  at: number;
  /** What Slack did with it: shown ephemerally, posted in the channel, replaced or deleted the source message. */
  effect: 'ephemeral' | 'in_channel' | 'replaced' | 'deleted' | 'refused';
}

export interface FakeView {
  id: string;
  type: string;
  callback_id?: string;
  private_metadata?: string;
  external_id?: string;
  hash: string;
  blocks: SlackBlock[];
  title?: unknown;
  submit?: unknown;
  close?: unknown;
  state: { values: Record<string, Record<string, unknown>> };
  [key: string]: unknown;
}

export interface ViewEntry {
  /** The call that created the entry: views.open, views.push or views.publish. */
  method: 'views.open' | 'views.push' | 'views.publish';
  view: FakeView;
  /** The user it was shown to (publish: the Home tab owner; open: who the trigger was minted for, when known). */
  user?: string;
  trigger_id?: string;
  updates: number;
  history: FakeView[];
  /** Set when a view_submission was acked without errors (Slack closes the modal) or with response_action clear. */
  closed: boolean;
  /** The last response_action=errors answer to a submission. */
  errors?: Record<string, string>;
  at: number;
}

export interface SlackCall {
  method: string;
  /** Form fields with the JSON ones (blocks, attachments, view, metadata) decoded; the token is never kept. */
  args: Record<string, unknown>;
  at: number;
  /** What the fake answered: ok, or the error code (ratelimited for a 429). */
  outcome: string;
  status: number;
}

export interface ResponseUrlContext {
  user?: string;
  channel?: string;
  /** For interactivity: the message the action came from, so replace_original/delete_original can find it. */
  message?: { channel: string; ts: string };
}

export interface RateLimit {
  method: string;
  perMinute: number;
  /** The window the budget refills over; 60 s like Slack unless a test shortens it. */
  windowMs?: number;
}

export interface FakeSlackUser {
  name?: string;
  real_name?: string;
  tz?: string;
  tz_label?: string;
  tz_offset?: number;
  is_bot?: boolean;
  deleted?: boolean;
  /** The person's Slack language, e.g. `ja-JP`; users.info returns it only with `include_locale` (default en-US). */
  locale?: string;
}

export interface FakeSlackOptions {
  botToken: string;
  teamId?: string;
  teamDomain?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  userGroups?: Record<string, string[]>;
  rateLimit?: RateLimit | RateLimit[];
  /** Known users; any other U…/W… id is answered with a plausible user in defaultTz. */
  users?: Record<string, FakeSlackUser>;
  /** Channel id → name; other C…/G… ids get a name derived from the id. */
  channels?: Record<string, string>;
  defaultTz?: string;
  /** The first message ts, in seconds; ts then grow by 100 µs per message so ordering is stable and strict. */
  startTs?: number;
}

export type Waitable<T> = Exclude<T, undefined | null | false | 0 | ''>;

export interface FakeSlack {
  /** Pass as the WebClient's `slackApiUrl` (ends with /api/). */
  url: string;
  /** The server root, e.g. http://127.0.0.1:PORT */
  origin: string;
  teamId: string;
  teamDomain: string;
  botUserId: string;
  botId: string;
  appId: string;
  /** An event stream for a playground UI: call, message, update, ephemeral, view, change. */
  events: EventEmitter;
  calls: readonly SlackCall[];
  callsTo(method: string): SlackCall[];
  /** Top-level messages of a channel (or of all channels), oldest first; deleted ones and thread replies left out. */
  messages(channel?: string): SlackMessage[];
  message(channel: string, ts: string): SlackMessage | undefined;
  /** Replies in the thread under ts, oldest first (the parent not included). */
  thread(channel: string, ts: string): SlackMessage[];
  ephemerals(userId?: string): SlackEphemeral[];
  replies(): ResponseUrlReply[];
  /**
   * Where a message permalink (`<workspace url>/archives/C…/p…`, the form auth.test's url and chat.getPermalink give)
   * leads: Slack opens the message in its client; the fake redirects to this page (the playground), or answers 404.
   */
  openMessagesAt(pageUrl: string | undefined): void;
  views(): ViewEntry[];
  view(id: string): ViewEntry | undefined;
  /** Every file upload begun, with its bytes once uploaded. */
  uploads(): FakeUpload[];
  /** A response_url on this server; replies POSTed to it are recorded for the user/channel in context. */
  responseUrl(id: string, context?: ResponseUrlContext): string;
  /** Records a command's synchronous answer the way Slack shows it (used by the slack client). */
  recordCommandAck(context: ResponseUrlContext, body: unknown): void;
  /** Applies a view_submission's ack to the view as Slack would (close, errors, update, push). */
  recordViewAck(viewId: string, body: unknown): void;
  /** Tells the fake about a person (their locale, say): users.info answers with it from then on. */
  setUser(id: string, user: FakeSlackUser): void;
  /** Makes the next `times` calls of a method answer `{ ok: false, error }`. */
  failNext(method: string, error: string, times?: number): void;
  /**
   * Holds the next call of a method unanswered until `release()` (a slow Slack, without a sleep): `asked` settles
   * when that call has arrived. Nothing is recorded for it until it is answered.
   */
  holdNext(method: string): { asked: Promise<void>; release: () => void };
  /** Resolves with the predicate's first truthy value; rejects on timeout with the latest calls listed. */
  waitFor<T>(predicate: () => T, opts?: { timeoutMs?: number; message?: string }): Promise<Waitable<T>>;
  reset(): void;
  close(): Promise<void>;
}

/** Fields the WebClient JSON-encodes into a form field; decoded back so tests read objects. */
const JSON_FIELDS = ['blocks', 'attachments', 'view', 'metadata', 'user_auth_blocks', 'files'] as const;

/** Slack's documented Block Kit limits the fake enforces, so a message Slack would refuse fails in tests too. */
const BlockLimits = { message: 50, modal: 100, home: 100, sectionText: 3000, headerText: 150, fields: 10, fieldText: 2000, actionsElements: 25, contextElements: 10, buttonText: 75, buttonValue: 2000, blockId: 255, actionId: 255, text: 40_000 } as const;

const ResponseUrlBodySchema = z
  .object({
    text: z.string().optional(),
    blocks: z.array(z.looseObject({ type: z.string() })).optional(),
    attachments: z.array(z.unknown()).optional(),
    response_type: z.enum(['ephemeral', 'in_channel']).optional(),
    replace_original: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
    delete_original: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
    thread_ts: z.string().optional(),
  })
  .loose();
export type ResponseUrlBody = z.infer<typeof ResponseUrlBodySchema>;

/** Thrown inside a method to answer `{ ok: false, error }` (HTTP 200, as Slack does). */
class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(error);
  }
}

const truthy = (v: unknown): boolean => v === true || v === 'true' || v === '1' || v === 1;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Flattens Block Kit to readable lines (header, section text and fields, context, button labels, inputs) for assertions. */
export function textOf(source: readonly unknown[] | { text?: string; blocks?: readonly unknown[] } | undefined | null): string {
  if (!source) return '';
  const blocks = Array.isArray(source) ? source : ((source as { blocks?: readonly unknown[] }).blocks ?? []);
  if (!Array.isArray(source) && blocks.length === 0) return (source as { text?: string }).text ?? '';
  const lines: string[] = [];
  const textObj = (t: unknown): string | undefined => (isRecord(t) && typeof t.text === 'string' ? t.text : undefined);
  const element = (e: unknown): string | undefined => {
    if (!isRecord(e)) return undefined;
    if (e.type === 'button') return `[${textObj(e.text) ?? ''}]`;
    if (e.type === 'image') return str(e.alt_text);
    if (e.type === 'mrkdwn' || e.type === 'plain_text') return str(e.text);
    if (isRecord(e.placeholder)) return `[${textObj(e.placeholder) ?? ''} ▾]`;
    if (e.type === 'overflow') return '[⋯]';
    return undefined;
  };
  const rich = (e: unknown): string => {
    if (!isRecord(e)) return '';
    if (typeof e.text === 'string') return e.text;
    if (e.type === 'user') return `<@${str(e.user_id) ?? ''}>`;
    if (e.type === 'channel') return `<#${str(e.channel_id) ?? ''}>`;
    if (e.type === 'emoji') return `:${str(e.name) ?? ''}:`;
    if (e.type === 'link') return str(e.url) ?? '';
    if (Array.isArray(e.elements)) return e.elements.map(rich).join(e.type === 'rich_text_list' ? '\n' : '');
    return '';
  };
  for (const b of blocks) {
    if (!isRecord(b)) continue;
    switch (b.type) {
      case 'header':
      case 'section': {
        const t = textObj(b.text);
        if (t !== undefined) lines.push(t);
        if (Array.isArray(b.fields)) for (const f of b.fields) lines.push(textObj(f) ?? '');
        const acc = element(b.accessory);
        if (acc) lines.push(acc);
        break;
      }
      case 'context':
        if (Array.isArray(b.elements)) lines.push(b.elements.map(element).filter((x): x is string => x !== undefined).join(' '));
        break;
      case 'actions':
        if (Array.isArray(b.elements)) lines.push(b.elements.map(element).filter((x): x is string => x !== undefined).join(' '));
        break;
      case 'input': {
        lines.push(textObj(b.label) ?? '');
        const hint = textObj(b.hint);
        if (hint) lines.push(hint);
        break;
      }
      case 'divider':
        lines.push('---');
        break;
      case 'image':
        lines.push(textObj(b.title) ?? str(b.alt_text) ?? '');
        break;
      case 'rich_text':
        if (Array.isArray(b.elements)) lines.push(b.elements.map(rich).join('\n'));
        break;
      default:
        break;
    }
  }
  return lines.join('\n');
}

/** Problems Slack would answer with invalid_blocks, as Slack words them (json-pointer included). */
function blockProblems(blocks: unknown, surface: 'message' | 'modal' | 'home', pointer = '/blocks'): string[] {
  if (!Array.isArray(blocks)) return [`[ERROR] must be an array [json-pointer:${pointer}]`];
  const problems: string[] = [];
  const max = BlockLimits[surface];
  if (blocks.length > max) problems.push(`[ERROR] no more than ${max} items allowed [json-pointer:${pointer}]`);
  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  const tooLong = (v: unknown, n: number, at: string) => {
    if (typeof v === 'string' && v.length > n) problems.push(`[ERROR] must be less than ${n + 1} characters [json-pointer:${at}]`);
  };
  const checkElement = (e: unknown, at: string) => {
    if (!isRecord(e) || typeof e.type !== 'string') return problems.push(`[ERROR] missing required field: type [json-pointer:${at}]`);
    if (typeof e.action_id === 'string') {
      tooLong(e.action_id, BlockLimits.actionId, `${at}/action_id`);
      if (actionIds.has(e.action_id)) problems.push(`[ERROR] action_id already exists: ${e.action_id} [json-pointer:${at}/action_id]`);
      actionIds.add(e.action_id);
    }
    if (e.type === 'button') {
      if (!isRecord(e.text)) problems.push(`[ERROR] missing required field: text [json-pointer:${at}]`);
      else tooLong(e.text.text, BlockLimits.buttonText, `${at}/text/text`);
      tooLong(e.value, BlockLimits.buttonValue, `${at}/value`);
    }
    return 0;
  };
  blocks.forEach((b, i) => {
    const at = `${pointer}/${i}`;
    if (!isRecord(b) || typeof b.type !== 'string') return problems.push(`[ERROR] missing required field: type [json-pointer:${at}]`);
    if (typeof b.block_id === 'string') {
      tooLong(b.block_id, BlockLimits.blockId, `${at}/block_id`);
      if (blockIds.has(b.block_id)) problems.push(`[ERROR] block_id already exists: ${b.block_id} [json-pointer:${at}/block_id]`);
      blockIds.add(b.block_id);
    }
    switch (b.type) {
      case 'header':
        if (!isRecord(b.text) || b.text.type !== 'plain_text') problems.push(`[ERROR] must be a plain_text text object [json-pointer:${at}/text]`);
        else tooLong(b.text.text, BlockLimits.headerText, `${at}/text/text`);
        break;
      case 'section':
        if (b.text === undefined && b.fields === undefined) problems.push(`[ERROR] must provide either text or fields [json-pointer:${at}]`);
        if (isRecord(b.text)) {
          tooLong(b.text.text, BlockLimits.sectionText, `${at}/text/text`);
          if (typeof b.text.text === 'string' && b.text.text.length === 0) problems.push(`[ERROR] must be more than 0 characters [json-pointer:${at}/text/text]`);
        }
        if (Array.isArray(b.fields)) {
          if (b.fields.length > BlockLimits.fields) problems.push(`[ERROR] no more than ${BlockLimits.fields} items allowed [json-pointer:${at}/fields]`);
          b.fields.forEach((f, j) => tooLong(isRecord(f) ? f.text : undefined, BlockLimits.fieldText, `${at}/fields/${j}/text`));
        }
        if (b.accessory !== undefined) checkElement(b.accessory, `${at}/accessory`);
        break;
      case 'context':
        if (!Array.isArray(b.elements) || b.elements.length === 0) problems.push(`[ERROR] must provide at least 1 item [json-pointer:${at}/elements]`);
        else if (b.elements.length > BlockLimits.contextElements) problems.push(`[ERROR] no more than ${BlockLimits.contextElements} items allowed [json-pointer:${at}/elements]`);
        break;
      case 'actions':
        if (!Array.isArray(b.elements) || b.elements.length === 0) problems.push(`[ERROR] must provide at least 1 item [json-pointer:${at}/elements]`);
        else {
          if (b.elements.length > BlockLimits.actionsElements) problems.push(`[ERROR] no more than ${BlockLimits.actionsElements} items allowed [json-pointer:${at}/elements]`);
          b.elements.forEach((e, j) => checkElement(e, `${at}/elements/${j}`));
        }
        break;
      case 'input':
        if (surface === 'message') problems.push(`[ERROR] unsupported type: input [json-pointer:${at}/type]`);
        if (!isRecord(b.label)) problems.push(`[ERROR] missing required field: label [json-pointer:${at}]`);
        if (!isRecord(b.element)) problems.push(`[ERROR] missing required field: element [json-pointer:${at}]`);
        else checkElement(b.element, `${at}/element`);
        break;
      default:
        break;
    }
    return 0;
  });
  return problems;
}

/** Decodes a Web API request body (form or JSON) into args, JSON-decoding the fields the WebClient encodes. */
function decodeArgs(raw: string, contentType: string): Record<string, unknown> {
  let args: Record<string, unknown>;
  if (contentType.startsWith('application/json')) {
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    args = isRecord(parsed) ? parsed : {};
  } else {
    args = { ...parseQuery(raw) };
  }
  for (const f of JSON_FIELDS) {
    const v = args[f];
    if (typeof v === 'string' && v.length > 0) {
      try {
        args[f] = JSON.parse(v);
      } catch {
        // Left as a string: the method answers invalid_blocks / invalid_arguments like Slack.
      }
    }
  }
  return args;
}

function readBytes(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The first part's content of a multipart/form-data body (the WebClient posts the file as one form field). */
function firstPart(raw: Buffer, contentType: string): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) return raw;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const start = raw.indexOf(delimiter);
  if (start < 0) return raw;
  const headersEnd = raw.indexOf('\r\n\r\n', start);
  const next = raw.indexOf(delimiter, headersEnd);
  if (headersEnd < 0 || next < 0) return raw;
  return raw.subarray(headersEnd + 4, next - 2);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const clone = <T>(v: T): T => structuredClone(v);

export async function startFakeSlack(opts: FakeSlackOptions): Promise<FakeSlack> {
  const teamId = opts.teamId ?? 'T0FAKE0001';
  const teamDomain = opts.teamDomain ?? 'fake-workspace';
  const botUserId = opts.botUserId ?? 'U0BOT00001';
  const botId = opts.botId ?? 'B0BOT00001';
  const appId = opts.appId ?? 'A0FAKEAPP1';
  const defaultTz = opts.defaultTz ?? 'Asia/Tokyo';
  const limits = opts.rateLimit === undefined ? [] : Array.isArray(opts.rateLimit) ? opts.rateLimit : [opts.rateLimit];

  const events = new EventEmitter();
  // A playground may attach many listeners; the default of 10 would only produce noise.
  events.setMaxListeners(100);

  let calls: SlackCall[] = [];
  let messages: SlackMessage[] = [];
  let ephemerals: SlackEphemeral[] = [];
  let replies: ResponseUrlReply[] = [];
  let views: ViewEntry[] = [];
  let responseUrls = new Map<string, { context: ResponseUrlContext; uses: number }>();
  let usedTriggers = new Set<string>();
  let failures = new Map<string, { error: string; times: number }>();
  let holds = new Map<string, { arrived: () => void; released: Promise<void> }[]>();
  let rateWindows = new Map<string, number[]>();
  // Microseconds since the epoch of the last ts handed out; ts only ever grow.
  let lastTsMicros = BigInt(opts.startTs ?? 1_764_000_000) * 1_000_000n;
  let viewSeq = 0;
  let uploads: FakeUpload[] = [];

  const nextTs = (): string => {
    lastTsMicros += 100n;
    const s = lastTsMicros / 1_000_000n;
    const us = (lastTsMicros % 1_000_000n).toString().padStart(6, '0');
    return `${s}.${us}`;
  };
  const changed = (kind: string, payload: unknown) => {
    events.emit(kind, payload);
    events.emit('change', { kind, payload });
  };
  const findMessage = (channel: string, ts: string) => messages.find((m) => m.channel === channel && m.ts === ts && !m.deleted);
  const channelName = (id: string) => opts.channels?.[id] ?? id.toLowerCase();
  const people: Record<string, FakeSlackUser> = { ...(opts.users ?? {}) };
  const userName = (id: string) => people[id]?.name ?? id.toLowerCase();

  const wireMessage = (m: SlackMessage) => ({
    type: 'message',
    text: m.text,
    user: m.user,
    bot_id: m.bot_id,
    app_id: appId,
    team: teamId,
    ts: m.ts,
    ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
    blocks: m.blocks,
    ...(m.attachments ? { attachments: m.attachments } : {}),
    ...(m.metadata ? { metadata: m.metadata } : {}),
  });

  const requireChannel = (args: Record<string, unknown>): string => {
    const channel = str(args.channel);
    if (!channel || !/^[CGD][A-Z0-9]+$/.test(channel)) throw new SlackApiError('channel_not_found');
    return channel;
  };
  const content = (args: Record<string, unknown>, surface: 'message'): { text: string; blocks: SlackBlock[]; attachments?: unknown[] } => {
    const text = str(args.text) ?? '';
    const blocks = args.blocks;
    const attachments = Array.isArray(args.attachments) ? args.attachments : undefined;
    if (blocks !== undefined) {
      const problems = blockProblems(blocks, surface);
      if (problems.length) throw new SlackApiError('invalid_blocks', { response_metadata: { messages: problems } });
    }
    if (args.attachments !== undefined && !Array.isArray(args.attachments)) throw new SlackApiError('invalid_attachments');
    const list = (Array.isArray(blocks) ? blocks : []) as SlackBlock[];
    if (!text && list.length === 0 && !attachments?.length) throw new SlackApiError('no_text');
    if (text.length > BlockLimits.text) throw new SlackApiError('msg_too_long');
    return { text, blocks: list, ...(attachments ? { attachments } : {}) };
  };
  const post = (channel: string, body: { text: string; blocks: SlackBlock[]; attachments?: unknown[] }, via: string, threadTs?: string, metadata?: unknown): SlackMessage => {
    if (threadTs) {
      const parent = findMessage(channel, threadTs);
      // Slack threads under the root: a reply to a reply lands in the root's thread. Slack is vague about an unknown
      // thread_ts; the fake refuses it so a bot that lost its status message shows up in tests.
      if (!parent) throw new SlackApiError('thread_not_found');
      const root = parent.thread_ts && parent.thread_ts !== parent.ts ? findMessage(channel, parent.thread_ts) ?? parent : parent;
      threadTs = root.ts;
      root.thread_ts = root.ts;
      root.reply_count += 1;
    }
    const at = Date.now();
    const m: SlackMessage = {
      channel,
      ts: nextTs(),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...body,
      ...(metadata !== undefined ? { metadata } : {}),
      user: botUserId,
      bot_id: botId,
      updates: 0,
      history: [{ ...clone(body), via, at }],
      reply_count: 0,
      deleted: false,
    };
    messages.push(m);
    changed('message', clone(m));
    return m;
  };
  const update = (m: SlackMessage, body: { text: string; blocks: SlackBlock[]; attachments?: unknown[] }, via: string) => {
    m.text = body.text;
    m.blocks = body.blocks;
    if (body.attachments) m.attachments = body.attachments;
    m.updates += 1;
    m.history.push({ ...clone(body), via, at: Date.now() });
    changed('update', clone(m));
  };

  const newView = (raw: unknown, surface: 'modal' | 'home', prior?: FakeView): FakeView => {
    if (!isRecord(raw) || typeof raw.type !== 'string') throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: view'] } });
    if (raw.type !== surface) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: [`[ERROR] must be ${surface} [json-pointer:/view/type]`] } });
    const problems = blockProblems(raw.blocks ?? [], surface, '/view/blocks');
    if (surface === 'modal' && !isRecord(raw.title)) problems.push('[ERROR] missing required field: title [json-pointer:/view]');
    if (problems.length) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: problems } });
    viewSeq += 1;
    return {
      ...clone(raw),
      id: prior?.id ?? `V0FAKE${String(viewSeq).padStart(5, '0')}`,
      team_id: teamId,
      app_id: appId,
      bot_id: botId,
      app_installed_team_id: teamId,
      type: raw.type,
      blocks: clone((raw.blocks ?? []) as SlackBlock[]),
      private_metadata: str(raw.private_metadata) ?? '',
      callback_id: str(raw.callback_id) ?? '',
      external_id: str(raw.external_id) ?? '',
      state: { values: {} },
      hash: `${Date.now()}.${String(viewSeq).padStart(8, '0')}`,
      clear_on_close: truthy(raw.clear_on_close),
      notify_on_close: truthy(raw.notify_on_close),
      root_view_id: prior?.root_view_id ?? prior?.id ?? null,
      previous_view_id: null,
    };
  };
  const findViewEntry = (args: Record<string, unknown>): ViewEntry => {
    const id = str(args.view_id);
    const ext = str(args.external_id);
    const e = id ? views.find((v) => v.view.id === id) : ext ? views.find((v) => v.view.external_id === ext) : undefined;
    if (!id && !ext) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] either view_id or external_id is required'] } });
    if (!e) throw new SlackApiError('not_found');
    return e;
  };
  const useTrigger = (args: Record<string, unknown>): string => {
    const trigger = str(args.trigger_id) ?? str(args.interactivity_pointer);
    if (!trigger) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: trigger_id'] } });
    // A trigger opens one view, once (Slack also expires them after 3 s; tests do not wait that long).
    if (usedTriggers.has(trigger)) throw new SlackApiError('expired_trigger_id');
    usedTriggers.add(trigger);
    return trigger;
  };
  const triggerUser = (trigger: string) => /^\d+\.\d+\.(U[A-Z0-9]+)\./.exec(trigger)?.[1];

  const plausibleUser = (id: string) => {
    const u = people[id] ?? {};
    const tz = u.tz ?? defaultTz;
    const name = userName(id);
    return {
      id,
      team_id: teamId,
      name,
      deleted: u.deleted ?? false,
      real_name: u.real_name ?? name,
      tz,
      tz_label: u.tz_label ?? tz,
      tz_offset: u.tz_offset ?? (tz === 'Asia/Tokyo' ? 32_400 : 0),
      is_bot: u.is_bot ?? id === botUserId,
      is_admin: false,
      is_app_user: false,
      updated: 1_700_000_000,
      profile: { real_name: u.real_name ?? name, display_name: name, team: teamId },
    };
  };

  type Method = (args: Record<string, unknown>) => Record<string, unknown>;
  const methods: Record<string, Method> = {
    'auth.test': () => ({ url: `${origin}/`, team: 'Fake Workspace', user: 'ecs-chatops', team_id: teamId, user_id: botUserId, bot_id: botId, is_enterprise_install: false }),
    'chat.postMessage': (args) => {
      const channel = requireChannel(args);
      const m = post(channel, content(args, 'message'), 'chat.postMessage', str(args.thread_ts) || undefined, args.metadata);
      return { channel, ts: m.ts, message: wireMessage(m) };
    },
    'chat.update': (args) => {
      const channel = requireChannel(args);
      const ts = str(args.ts);
      if (!ts) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: ts'] } });
      const m = findMessage(channel, ts);
      if (!m) throw new SlackApiError('message_not_found');
      // Slack keeps the previous blocks when the update omits them (an empty array removes them).
      const body = content(args.blocks === undefined ? { ...args, blocks: m.blocks } : args, 'message');
      update(m, body, 'chat.update');
      return { channel, ts: m.ts, text: m.text, message: wireMessage(m) };
    },
    'files.getUploadURLExternal': (args) => {
      const filename = str(args.filename);
      const length = Number(str(args.length));
      if (!filename) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: filename'] } });
      if (!Number.isInteger(length) || length < 1) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: length'] } });
      const id = `F0FAKE${String(uploads.length + 1).padStart(5, '0')}`;
      uploads.push({ id, filename, length, completed: false });
      return { upload_url: `${origin}/upload/${id}`, file_id: id };
    },
    'files.completeUploadExternal': (args) => {
      const list = Array.isArray(args.files) ? (args.files as unknown[]) : [];
      if (list.length === 0) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: files'] } });
      const chosen = list.map((f) => {
        const id = isRecord(f) ? str(f.id) : undefined;
        const u = uploads.find((x) => x.id === id);
        // Slack answers file_not_found for an id it never handed out, or whose bytes never arrived.
        if (!u || !u.bytes) throw new SlackApiError('file_not_found');
        if (u.completed) throw new SlackApiError('file_not_found');
        return { u, title: (isRecord(f) ? str(f.title) : undefined) ?? u.filename };
      });
      const channel = str(args.channel_id);
      const threadTs = str(args.thread_ts);
      const shared = chosen.map(({ u, title }): SharedFile => ({ id: u.id, name: u.filename, title, mimetype: u.filename.endsWith('.png') ? 'image/png' : 'application/octet-stream', size: u.bytes!.length }));
      if (channel) {
        const m = post(channel, { text: str(args.initial_comment) ?? '', blocks: [] }, 'files.completeUploadExternal', threadTs || undefined);
        m.files = shared;
        changed('update', clone(m));
      }
      for (const { u, title } of chosen) Object.assign(u, { completed: true, title, ...(channel ? { channel } : {}), ...(threadTs ? { thread_ts: threadTs } : {}) });
      return { files: shared };
    },
    'chat.delete': (args) => {
      const channel = requireChannel(args);
      const m = findMessage(channel, str(args.ts) ?? '');
      if (!m) throw new SlackApiError('message_not_found');
      m.deleted = true;
      changed('update', clone(m));
      return { channel, ts: m.ts };
    },
    'chat.postEphemeral': (args) => {
      const channel = requireChannel(args);
      const user = str(args.user);
      if (!user) throw new SlackApiError('user_not_in_channel');
      const body = content(args, 'message');
      const messageTs = nextTs();
      const e: SlackEphemeral = { source: EphemeralSource.postEphemeral, user, channel, text: body.text, blocks: body.blocks, message_ts: messageTs, at: Date.now(), ...(str(args.thread_ts) ? { thread_ts: str(args.thread_ts)! } : {}) };
      ephemerals.push(e);
      changed('ephemeral', clone(e));
      return { message_ts: messageTs };
    },
    'chat.getPermalink': (args) => {
      const channel = requireChannel(args);
      const ts = str(args.message_ts) ?? '';
      const m = findMessage(channel, ts);
      if (!m) throw new SlackApiError('message_not_found');
      const thread = m.thread_ts && m.thread_ts !== m.ts ? `?thread_ts=${m.thread_ts}&cid=${channel}` : '';
      return { channel, permalink: `${origin}/archives/${channel}/p${ts.replace('.', '')}${thread}` };
    },
    'views.open': (args) => {
      const trigger = useTrigger(args);
      const view = newView(args.view, 'modal');
      const user = triggerUser(trigger);
      const entry: ViewEntry = { method: 'views.open', view, trigger_id: trigger, ...(user ? { user } : {}), updates: 0, history: [clone(view)], closed: false, at: Date.now() };
      views.push(entry);
      changed('view', clone(entry));
      return { view };
    },
    'views.push': (args) => {
      const trigger = useTrigger(args);
      const view = newView(args.view, 'modal');
      const user = triggerUser(trigger);
      const entry: ViewEntry = { method: 'views.push', view, trigger_id: trigger, ...(user ? { user } : {}), updates: 0, history: [clone(view)], closed: false, at: Date.now() };
      views.push(entry);
      changed('view', clone(entry));
      return { view };
    },
    'views.update': (args) => {
      const entry = findViewEntry(args);
      const hash = str(args.hash);
      // The hash guards against a race between two updates; Slack refuses a stale one.
      if (hash && hash !== entry.view.hash) throw new SlackApiError('hash_conflict');
      const view = newView(args.view, entry.view.type === 'home' ? 'home' : 'modal', entry.view);
      entry.view = view;
      entry.updates += 1;
      entry.history.push(clone(view));
      changed('view', clone(entry));
      return { view };
    },
    'views.publish': (args) => {
      const user = str(args.user_id);
      if (!user) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: user_id'] } });
      const existing = views.find((v) => v.method === 'views.publish' && v.user === user);
      const hash = str(args.hash);
      if (existing && hash && hash !== existing.view.hash) throw new SlackApiError('hash_conflict');
      const view = newView(args.view, 'home', existing?.view);
      if (existing) {
        existing.view = view;
        existing.updates += 1;
        existing.history.push(clone(view));
        changed('view', clone(existing));
      } else {
        const entry: ViewEntry = { method: 'views.publish', view, user, updates: 0, history: [clone(view)], closed: false, at: Date.now() };
        views.push(entry);
        changed('view', clone(entry));
      }
      return { view };
    },
    'usergroups.users.list': (args) => {
      const group = str(args.usergroup);
      if (!group) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: usergroup'] } });
      const users = opts.userGroups?.[group];
      if (!users) throw new SlackApiError('no_such_subteam');
      return { users: [...users] };
    },
    'users.info': (args) => {
      const user = str(args.user) ?? '';
      if (!/^[UW][A-Z0-9]+$/.test(user)) throw new SlackApiError('user_not_found');
      // Slack adds the locale only when asked (include_locale=true).
      const withLocale = String(args.include_locale) === 'true';
      return { user: { ...plausibleUser(user), ...(withLocale ? { locale: people[user]?.locale ?? 'en-US' } : {}) } };
    },
    'conversations.history': (args) => {
      // Newest first, top-level messages only; metadata only when asked for (include_all_metadata), as Slack does.
      const channel = requireChannel(args);
      const oldest = Number(str(args.oldest) ?? '0');
      const limit = Math.min(Number(str(args.limit) ?? '100') || 100, 1000);
      const withMeta = String(args.include_all_metadata) === 'true';
      const list = messages
        .filter((m) => m.channel === channel && !m.deleted && (!m.thread_ts || m.thread_ts === m.ts) && Number(m.ts) >= oldest)
        .reverse()
        .slice(0, limit)
        .map((m) => {
          const w = wireMessage(m);
          if (!withMeta) delete (w as { metadata?: unknown }).metadata;
          return w;
        });
      return { messages: list, has_more: false };
    },
    'conversations.info': (args) => {
      const channel = requireChannel(args);
      return {
        channel: {
          id: channel,
          name: channelName(channel),
          is_channel: channel.startsWith('C'),
          is_group: false,
          is_im: channel.startsWith('D'),
          is_private: channel.startsWith('G'),
          is_archived: false,
          is_member: true,
          created: 1_700_000_000,
          creator: 'U0ADMIN001',
          context_team_id: teamId,
        },
      };
    },
  };

  const limitHit = (method: string, now: number): number | undefined => {
    for (const l of limits) {
      if (l.method !== method) continue;
      const windowMs = l.windowMs ?? 60_000;
      const stamps = (rateWindows.get(method) ?? []).filter((t) => t > now - windowMs);
      rateWindows.set(method, stamps);
      if (stamps.length >= l.perMinute) {
        // Retry-After is whole seconds until the oldest call leaves the window, as Slack advertises.
        return Math.max(1, Math.ceil((stamps[0]! + windowMs - now) / 1000));
      }
    }
    if (limits.some((l) => l.method === method)) rateWindows.get(method)!.push(now);
    return undefined;
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', ...headers });
    res.end(text);
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, method: string) => {
    const raw = await readBody(req);
    const contentType = req.headers['content-type'] ?? '';
    let args: Record<string, unknown>;
    try {
      args = decodeArgs(raw, contentType);
    } catch {
      return send(res, 200, { ok: false, error: 'invalid_json' });
    }
    const at = Date.now();
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? str(args.token);
    const { token: _dropped, ...kept } = args;
    const record = (outcome: string, status: number) => {
      const call: SlackCall = { method, args: kept, at, outcome, status };
      calls.push(call);
      changed('call', clone(call));
    };
    if (req.method !== 'POST' && req.method !== 'GET') return send(res, 405, 'method not allowed');
    const handler = methods[method];
    if (!handler) {
      record('unknown_method', 200);
      return send(res, 200, { ok: false, error: 'unknown_method', req_method: method });
    }
    // Slack says not_authed when no token came at all, invalid_auth when it is not one it issued.
    if (token === undefined || token === '') {
      record('not_authed', 200);
      return send(res, 200, { ok: false, error: 'not_authed' });
    }
    if (token !== opts.botToken) {
      record('invalid_auth', 200);
      return send(res, 200, { ok: false, error: 'invalid_auth' });
    }
    const retryAfter = limitHit(method, at);
    if (retryAfter !== undefined) {
      record('ratelimited', 429);
      return send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfter) });
    }
    const hold = holds.get(method)?.shift();
    if (hold) {
      hold.arrived();
      await hold.released;
    }
    const failure = failures.get(method);
    if (failure) {
      failure.times -= 1;
      if (failure.times <= 0) failures.delete(method);
      record(failure.error, 200);
      return send(res, 200, { ok: false, error: failure.error });
    }
    try {
      const result = handler(kept);
      record('ok', 200);
      return send(res, 200, { ok: true, ...result });
    } catch (err) {
      if (!(err instanceof SlackApiError)) throw err;
      record(err.error, 200);
      return send(res, 200, { ok: false, error: err.error, ...err.extra });
    }
  };

  const applyReply = (context: ResponseUrlContext, body: ResponseUrlBody): ResponseUrlReply['effect'] => {
    const text = body.text ?? '';
    const blocks = (body.blocks ?? []) as SlackBlock[];
    const at = Date.now();
    const source = context.message ? findMessage(context.message.channel, context.message.ts) : undefined;
    if (truthy(body.delete_original)) {
      if (!source) return 'refused';
      source.deleted = true;
      changed('update', clone(source));
      return 'deleted';
    }
    if (truthy(body.replace_original) && source) {
      update(source, { text, blocks, ...(body.attachments ? { attachments: body.attachments } : {}) }, 'response_url');
      return 'replaced';
    }
    if (body.response_type === 'in_channel' && context.channel) {
      post(context.channel, { text, blocks }, 'response_url', body.thread_ts);
      return 'in_channel';
    }
    const e: SlackEphemeral = { source: EphemeralSource.responseUrl, ...(context.user ? { user: context.user } : {}), ...(context.channel ? { channel: context.channel } : {}), text, blocks, at };
    ephemerals.push(e);
    changed('ephemeral', clone(e));
    return 'ephemeral';
  };

  const handleResponseUrl = async (req: IncomingMessage, res: ServerResponse, id: string) => {
    const raw = await readBody(req);
    const entry = responseUrls.get(id);
    if (!entry) return send(res, 404, { ok: false, error: 'expired_url' });
    let parsed: unknown;
    try {
      parsed = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? JSON.parse(String(parseQuery(raw).payload ?? '{}')) : JSON.parse(raw);
    } catch {
      return send(res, 400, { ok: false, error: 'invalid_payload' });
    }
    const body = ResponseUrlBodySchema.safeParse(parsed);
    if (!body.success) return send(res, 400, { ok: false, error: 'invalid_payload' });
    // Slack allows five answers per response_url.
    if (entry.uses >= 5) return send(res, 404, { ok: false, error: 'used_url' });
    if (!body.data.text && !body.data.blocks?.length && !truthy(body.data.delete_original)) return send(res, 400, { ok: false, error: 'no_text' });
    if (body.data.blocks) {
      const problems = blockProblems(body.data.blocks, 'message');
      if (problems.length) return send(res, 400, { ok: false, error: 'invalid_blocks', response_metadata: { messages: problems } });
    }
    entry.uses += 1;
    const effect = applyReply(entry.context, body.data);
    const reply: ResponseUrlReply = { id, context: entry.context, body: body.data, at: Date.now(), effect };
    replies.push(reply);
    if (effect === 'refused') return send(res, 404, { ok: false, error: 'message_not_found' });
    return send(res, 200, { ok: true });
  };

  /** Step 2 of the upload flow: the bytes, POSTed to the URL getUploadURLExternal gave; Slack answers "OK - <size>". */
  const handleUpload = async (req: IncomingMessage, res: ServerResponse, id: string) => {
    const raw = await readBytes(req);
    const u = uploads.find((x) => x.id === id);
    if (!u || u.completed) return send(res, 404, 'not found');
    const bytes = firstPart(raw, req.headers['content-type'] ?? '');
    if (bytes.length !== u.length) return send(res, 400, `length mismatch: announced ${u.length}, received ${bytes.length}`);
    u.bytes = Buffer.from(bytes);
    return send(res, 200, `OK - ${bytes.length}`);
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const api = /^\/api\/([a-zA-Z0-9_.]+)$/.exec(url.pathname);
    const respond = /^\/response\/([^/]+)$/.exec(url.pathname);
    const upload = /^\/upload\/([A-Z0-9]+)$/.exec(url.pathname);
    const archive = /^\/archives\/([CGD][A-Z0-9]+)\/p(\d+)$/.exec(url.pathname);
    if (archive && req.method === 'GET') {
      if (!messagePage) return send(res, 404, 'no client to open messages in');
      res.writeHead(302, { location: new URL(`archives/${archive[1]!}/p${archive[2]!}${url.search}`, messagePage).href });
      return void res.end();
    }
    const work = api
      ? handleApi(req, res, api[1]!)
      : respond && req.method === 'POST'
        ? handleResponseUrl(req, res, decodeURIComponent(respond[1]!))
        : upload && req.method === 'POST'
          ? handleUpload(req, res, upload[1]!)
          : Promise.resolve(send(res, 404, 'not found'));
    work.catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { ok: false, error: 'fatal_error', detail: err instanceof Error ? err.message : String(err) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  let messagePage: string | undefined;

  const describeCall = (c: SlackCall) => {
    const a = c.args;
    const bits = [str(a.channel), str(a.ts), str(a.thread_ts) ? `thread ${str(a.thread_ts)}` : undefined, str(a.text) ? JSON.stringify(str(a.text)!.slice(0, 80)) : undefined, Array.isArray(a.blocks) ? JSON.stringify(textOf(a.blocks).slice(0, 80)) : undefined].filter(Boolean);
    return `${c.method} ${bits.join(' ')} → ${c.outcome}`;
  };

  const fake: FakeSlack = {
    url: `${origin}/api/`,
    origin,
    teamId,
    teamDomain,
    botUserId,
    botId,
    appId,
    events,
    openMessagesAt(pageUrl) {
      messagePage = pageUrl;
    },
    get calls() {
      return calls;
    },
    callsTo: (method) => calls.filter((c) => c.method === method),
    messages: (channel) => messages.filter((m) => !m.deleted && (channel === undefined || m.channel === channel) && (!m.thread_ts || m.thread_ts === m.ts)).map(clone),
    message: (channel, ts) => {
      const m = findMessage(channel, ts);
      return m ? clone(m) : undefined;
    },
    thread: (channel, ts) => messages.filter((m) => !m.deleted && m.channel === channel && m.thread_ts === ts && m.ts !== ts).map(clone),
    ephemerals: (userId) => ephemerals.filter((e) => userId === undefined || e.user === userId).map(clone),
    replies: () => replies.map(clone),
    setUser: (id, user) => {
      people[id] = { ...(people[id] ?? {}), ...user };
    },
    views: () => views.map(clone),
    uploads: () => uploads.map((u) => ({ ...u, ...(u.bytes ? { bytes: Buffer.from(u.bytes) } : {}) })),
    view: (id) => {
      const v = views.find((e) => e.view.id === id);
      return v ? clone(v) : undefined;
    },
    responseUrl: (id, context = {}) => {
      responseUrls.set(id, { context, uses: 0 });
      return `${origin}/response/${encodeURIComponent(id)}`;
    },
    recordCommandAck: (context, body) => {
      // Slack shows a slash command's HTTP answer like a response_url reply (an empty 200 shows nothing).
      if (typeof body === 'string') {
        if (!body.trim()) return;
        const e: SlackEphemeral = { source: EphemeralSource.ack, ...(context.user ? { user: context.user } : {}), ...(context.channel ? { channel: context.channel } : {}), text: body, blocks: [], at: Date.now() };
        ephemerals.push(e);
        changed('ephemeral', clone(e));
        return;
      }
      const parsed = ResponseUrlBodySchema.safeParse(body);
      if (!parsed.success || (!parsed.data.text && !parsed.data.blocks?.length)) return;
      if (parsed.data.response_type === 'in_channel' && context.channel) {
        post(context.channel, { text: parsed.data.text ?? '', blocks: (parsed.data.blocks ?? []) as SlackBlock[] }, 'ack');
        return;
      }
      const e: SlackEphemeral = { source: EphemeralSource.ack, ...(context.user ? { user: context.user } : {}), ...(context.channel ? { channel: context.channel } : {}), text: parsed.data.text ?? '', blocks: (parsed.data.blocks ?? []) as SlackBlock[], at: Date.now() };
      ephemerals.push(e);
      changed('ephemeral', clone(e));
    },
    recordViewAck: (viewId, body) => {
      const entry = views.find((v) => v.view.id === viewId);
      if (!entry) return;
      const ack = isRecord(body) ? body : {};
      if (ack.response_action === 'errors' && isRecord(ack.errors)) {
        entry.errors = Object.fromEntries(Object.entries(ack.errors).map(([k, v]) => [k, String(v)]));
      } else if (ack.response_action === 'update' && isRecord(ack.view)) {
        entry.view = newView(ack.view, 'modal', entry.view);
        entry.updates += 1;
        entry.history.push(clone(entry.view));
        delete entry.errors;
      } else if (ack.response_action === 'push' && isRecord(ack.view)) {
        const view = newView(ack.view, 'modal');
        views.push({ method: 'views.push', view, ...(entry.user ? { user: entry.user } : {}), updates: 0, history: [clone(view)], closed: false, at: Date.now() });
      } else {
        // No body, or response_action clear: Slack closes the modal (clear closes the whole stack).
        for (const v of ack.response_action === 'clear' ? views.filter((x) => x.method !== 'views.publish' && x.user === entry.user) : [entry]) v.closed = true;
        delete entry.errors;
      }
      changed('view', clone(entry));
    },
    failNext: (method, error, times = 1) => {
      failures.set(method, { error, times });
    },
    holdNext: (method) => {
      let arrived = () => undefined as void;
      let release = () => undefined as void;
      const asked = new Promise<void>((r) => (arrived = r));
      const released = new Promise<void>((r) => (release = r));
      holds.set(method, [...(holds.get(method) ?? []), { arrived, released }]);
      return { asked, release };
    },
    waitFor: <T>(predicate: () => T, o: { timeoutMs?: number; message?: string } = {}) => {
      const timeoutMs = o.timeoutMs ?? 5000;
      return new Promise<Waitable<T>>((resolve, reject) => {
        let lastError: unknown;
        const check = (): boolean => {
          try {
            const v = predicate();
            if (v) {
              finish();
              resolve(v as Waitable<T>);
              return true;
            }
          } catch (err) {
            // A predicate may read state that is not there yet (e.g. `.at(-1)!.text`): keep waiting, report it on timeout.
            lastError = err;
          }
          return false;
        };
        const onChange = () => void check();
        // Polling as well as listening: predicates may depend on state outside the fake (the AWS sandbox, a store).
        const poll = setInterval(check, 10);
        const timer = setTimeout(() => {
          finish();
          const latest = calls.slice(-12).map((c) => `  ${describeCall(c)}`);
          const eph = ephemerals.slice(-3).map((e) => `  ephemeral to ${e.user ?? '?'}: ${JSON.stringify((e.text || textOf(e.blocks)).slice(0, 120))}`);
          reject(
            new Error(
              [
                `fake Slack: waitFor timed out after ${timeoutMs} ms${o.message ? ` (${o.message})` : ''}: ${predicate.toString().slice(0, 200)}`,
                lastError ? `last predicate error: ${lastError instanceof Error ? lastError.message : String(lastError)}` : undefined,
                `latest calls (${calls.length} in all):`,
                ...(latest.length ? latest : ['  (none)']),
                ...(eph.length ? ['latest ephemerals:', ...eph] : []),
              ]
                .filter((l) => l !== undefined)
                .join('\n'),
            ),
          );
        }, timeoutMs);
        const finish = () => {
          clearInterval(poll);
          clearTimeout(timer);
          events.off('change', onChange);
        };
        events.on('change', onChange);
        check();
      });
    },
    reset: () => {
      uploads = [];
      calls = [];
      messages = [];
      ephemerals = [];
      replies = [];
      views = [];
      responseUrls = new Map();
      usedTriggers = new Set();
      failures = new Map();
      holds = new Map();
      rateWindows = new Map();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        events.removeAllListeners();
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
  return fake;
}
