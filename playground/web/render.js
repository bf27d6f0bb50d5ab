// Block Kit and mrkdwn to HTML for the playground page: every piece of text is escaped before any markup is added.

/**
 * The emoji shortcodes a message may carry (the bot writes Unicode emoji itself; these cover Slack's usual names for
 * the same states, so a message written either way looks the same).
 */
export const EMOJI = {
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  warning: '⚠️',
  rotating_light: '🚨',
  construction: '🚧',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  leftwards_arrow_with_hook: '↩️',
  arrow_forward: '▶️',
  double_vertical_bar: '⏸',
  pause_button: '⏸',
  black_square_for_stop: '⏹',
  no_entry: '⛔',
  large_green_circle: '🟢',
  white_circle: '⚪',
  red_circle: '🔴',
  large_yellow_circle: '🟡',
  heavy_minus_sign: '➖',
  grey_question: '❔',
  spiral_note_pad: '🗒',
  memo: '📝',
  canary: '🐤',
  hatched_chick: '🐥',
  rocket: '🚀',
  tada: '🎉',
  eyes: '👀',
  lock: '🔒',
  calendar: '📅',
  clock3: '🕒',
  arrows_counterclockwise: '🔄',
  bulb: 'Ⓘ',
  information_source: 'ℹ️',
};

const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values alike. */
export function escapeHtml(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Slack escapes &, < and > in message text; undo that before escaping for HTML, or "&amp;" would show. */
function decodeSlackEntities(text) {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function emojify(escaped) {
  return escaped.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] ?? whole);
}

const SAFE_URL = /^(https?:|mailto:)/i;

/** A name for an id, from the page's context (people, channels, groups), or the id itself. */
function nameOf(map, id) {
  return (map && map[id]) || id;
}

/** One `<…>` token of Slack's message syntax, as HTML; `plain` gives only its readable text (inside code). */
function angle(inner, ctx, plain) {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : decodeSlackEntities(inner.slice(bar + 1));
  let text;
  let cls = 'mention';
  if (target.startsWith('@')) {
    text = `@${label ?? nameOf(ctx.users, target.slice(1))}`;
  } else if (target.startsWith('#')) {
    text = `#${label ?? nameOf(ctx.channels, target.slice(1))}`;
  } else if (target.startsWith('!subteam^')) {
    const id = target.slice('!subteam^'.length);
    text = label ?? `@${nameOf(ctx.groups, id)}`;
  } else if (target === '!here' || target === '!channel' || target === '!everyone') {
    text = `@${target.slice(1)}`;
  } else if (target.startsWith('!date^')) {
    text = label ?? target;
    cls = 'date';
  } else if (SAFE_URL.test(target)) {
    const href = decodeSlackEntities(target);
    const shown = label ?? href;
    if (plain) return escapeHtml(shown);
    return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${escapeHtml(shown)}</a>`;
  } else {
    // Not Slack syntax Slack would recognise (e.g. javascript:): show it as the text it is.
    return escapeHtml(`<${decodeSlackEntities(inner)}>`);
  }
  return plain ? escapeHtml(text) : `<span class="${cls}">${escapeHtml(text)}</span>`;
}

/** Text with `<…>` tokens turned to their readable labels, escaped; for code spans and plain_text. */
function plainWithAngles(text, ctx) {
  return text
    .split(/(<[^<>\n]*>)/g)
    .map((part) => (/^<[^<>\n]*>$/.test(part) ? angle(part.slice(1, -1), ctx, true) : escapeHtml(decodeSlackEntities(part))))
    .join('');
}

/**
 * Slack mrkdwn as HTML: *bold*, _italic_, ~strike~, `code`, ```blocks```, > quotes, links, user/channel/group mentions
 * and the emoji shortcodes in EMOJI. Markup is added only around text that has already been escaped, and finished
 * pieces are held aside under NUL-delimited placeholders (NULs are removed from the input first, so none can be forged).
 */
export function mrkdwn(text, ctx = {}) {
  const held = [];
  const hold = (html) => `\u0000${held.push(html) - 1}\u0000`;
  // eslint-disable-next-line no-control-regex -- NUL is the placeholder delimiter and must never come from the input
  let s = String(text ?? '').replace(/\u0000/g, '');
  s = s.replace(/```([\s\S]*?)```/g, (_, code) => hold(`<pre class="code-block">${plainWithAngles(code.replace(/^\n/, ''), ctx)}</pre>`));
  s = s.replace(/`([^`\n]+)`/g, (_, code) => hold(`<code>${plainWithAngles(code, ctx)}</code>`));
  s = s.replace(/<([^<>\n]*)>/g, (_, inner) => hold(angle(inner, ctx, false)));
  s = escapeHtml(decodeSlackEntities(s));
  // Slack only formats at word edges: snake_case and 2*3*4 stay as typed. `>` and `<` are the edges of tags added here.
  const open = '(^|[\\s(>\\u0000*_~])';
  const close = '(?=$|[\\s.,;:!?)<\\u0000*_~])';
  s = s.replace(new RegExp(`${open}\\*(?!\\s)([^*\\n]*?[^\\s*])\\*${close}`, 'g'), '$1<b>$2</b>');
  s = s.replace(new RegExp(`${open}_(?!\\s)([^_\\n]*?[^\\s_])_${close}`, 'g'), '$1<i>$2</i>');
  s = s.replace(new RegExp(`${open}~(?!\\s)([^~\\n]*?[^\\s~])~${close}`, 'g'), '$1<s>$2</s>');
  s = emojify(s);
  s = s
    .split('\n')
    .map((line) => (line.startsWith('&gt; ') ? `<blockquote>${line.slice(5)}</blockquote>` : line))
    .join('\n')
    .replace(/<\/blockquote>\n<blockquote>/g, '<br>')
    .replace(/\n/g, '<br>');
  // eslint-disable-next-line no-control-regex -- see above
  return s.replace(/\u0000(\d+)\u0000/g, (_, i) => held[Number(i)] ?? '');
}

/** A text object (plain_text or mrkdwn) as HTML. */
export function textObject(t, ctx = {}) {
  if (!t || typeof t !== 'object') return '';
  if (t.type === 'mrkdwn') return mrkdwn(t.text, ctx);
  const escaped = escapeHtml(t.text);
  return t.emoji === false ? escaped : emojify(escaped);
}

function attr(name, value) {
  return value === undefined || value === null ? '' : ` ${name}="${escapeHtml(value)}"`;
}

/** A button or other interactive element; the page finds the element again by action_id when it is clicked. */
export function element(e, ctx = {}, blockId = '') {
  if (!e || typeof e !== 'object') return '';
  switch (e.type) {
    case 'button': {
      const style = e.style === 'primary' || e.style === 'danger' ? ` btn-${e.style}` : '';
      return `<button type="button" class="btn${style}"${attr('data-action-id', e.action_id)}${attr('data-block-id', blockId)}${e.confirm ? ' data-confirm="1"' : ''}>${textObject(e.text, ctx)}</button>`;
    }
    case 'static_select':
    case 'overflow': {
      const options = (e.options ?? []).map((o) => `<option${attr('value', o.value)}>${escapeHtml(o.text?.text ?? o.value)}</option>`).join('');
      const placeholder = e.placeholder ? `<option value="" selected disabled>${escapeHtml(e.placeholder.text)}</option>` : '<option value="" selected disabled>⋯</option>';
      return `<select class="select"${attr('data-action-id', e.action_id)}${attr('data-block-id', blockId)}>${placeholder}${options}</select>`;
    }
    case 'image':
      return `<span class="img-alt">${escapeHtml(e.alt_text ?? '')}</span>`;
    case 'mrkdwn':
    case 'plain_text':
      return `<span>${textObject(e, ctx)}</span>`;
    default:
      return `<span class="unsupported">[${escapeHtml(e.type)}]</span>`;
  }
}

/** The form control of an input block in a modal; values are read back by block_id and action_id on submit. */
function inputControl(el, blockId) {
  const ids = `${attr('data-block-id', blockId)}${attr('data-action-id', el.action_id)}${attr('data-type', el.type)}`;
  const placeholder = el.placeholder ? attr('placeholder', el.placeholder.text) : '';
  switch (el.type) {
    case 'static_select':
    case 'radio_buttons': {
      const options = (el.options ?? []).map((o) => `<option${attr('value', o.value)}>${escapeHtml(o.text?.text ?? o.value)}</option>`).join('');
      return `<select class="input"${ids}><option value=""></option>${options}</select>`;
    }
    case 'plain_text_input':
      if (el.multiline) return `<textarea class="input" rows="4"${ids}${placeholder}>${escapeHtml(el.initial_value ?? '')}</textarea>`;
      return `<input class="input" type="text"${ids}${placeholder}${attr('value', el.initial_value)}>`;
    default:
      return `<input class="input" type="text"${ids}${placeholder}${attr('value', el.initial_value)}>`;
  }
}

function richText(e, ctx) {
  if (!e || typeof e !== 'object') return '';
  if (typeof e.text === 'string') {
    let html = escapeHtml(e.text).replace(/\n/g, '<br>');
    if (e.style?.code) html = `<code>${html}</code>`;
    if (e.style?.bold) html = `<b>${html}</b>`;
    if (e.style?.italic) html = `<i>${html}</i>`;
    if (e.type === 'link' && SAFE_URL.test(e.url ?? '')) return `<a href="${escapeHtml(e.url)}" target="_blank" rel="noopener noreferrer">${html}</a>`;
    return html;
  }
  if (e.type === 'user') return `<span class="mention">@${escapeHtml(nameOf(ctx.users, e.user_id))}</span>`;
  if (e.type === 'channel') return `<span class="mention">#${escapeHtml(nameOf(ctx.channels, e.channel_id))}</span>`;
  if (e.type === 'emoji') return EMOJI[e.name] ?? `:${escapeHtml(e.name)}:`;
  if (e.type === 'link') return SAFE_URL.test(e.url ?? '') ? `<a href="${escapeHtml(e.url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(e.url)}</a>` : escapeHtml(e.url);
  if (Array.isArray(e.elements)) {
    const inner = e.elements.map((x) => richText(x, ctx)).join('');
    if (e.type === 'rich_text_preformatted') return `<pre class="code-block">${inner}</pre>`;
    if (e.type === 'rich_text_quote') return `<blockquote>${inner}</blockquote>`;
    if (e.type === 'rich_text_list') return `<ul>${e.elements.map((x) => `<li>${richText(x, ctx)}</li>`).join('')}</ul>`;
    return `<div>${inner}</div>`;
  }
  return '';
}

/** One block as HTML; `errors` (modals) maps block_id to the message Slack would show under the input. */
export function block(b, ctx = {}, errors = {}) {
  if (!b || typeof b !== 'object') return '';
  const blockId = b.block_id ?? '';
  switch (b.type) {
    case 'header':
      return `<div class="blk blk-header">${textObject(b.text, ctx)}</div>`;
    case 'section': {
      const text = b.text ? `<div class="section-text">${textObject(b.text, ctx)}</div>` : '';
      const fields = Array.isArray(b.fields) ? `<div class="fields">${b.fields.map((f) => `<div class="field">${textObject(f, ctx)}</div>`).join('')}</div>` : '';
      const accessory = b.accessory ? `<div class="accessory">${element(b.accessory, ctx, blockId)}</div>` : '';
      return `<div class="blk blk-section"><div class="section-main">${text}${fields}</div>${accessory}</div>`;
    }
    case 'context':
      return `<div class="blk blk-context">${(b.elements ?? []).map((e) => element(e, ctx, blockId)).join(' ')}</div>`;
    case 'divider':
      return '<hr class="blk blk-divider">';
    case 'actions':
      return `<div class="blk blk-actions">${(b.elements ?? []).map((e) => element(e, ctx, blockId)).join('')}</div>`;
    case 'input': {
      const error = errors[blockId] ? `<div class="input-error">${escapeHtml(errors[blockId])}</div>` : '';
      const hint = b.hint ? `<div class="input-hint">${textObject(b.hint, ctx)}</div>` : '';
      return `<label class="blk blk-input"><span class="input-label">${textObject(b.label, ctx)}${b.optional ? ' <span class="optional">(optional)</span>' : ''}</span>${inputControl(b.element ?? {}, blockId)}${hint}${error}</label>`;
    }
    case 'rich_text':
      return `<div class="blk blk-rich">${(b.elements ?? []).map((e) => richText(e, ctx)).join('')}</div>`;
    case 'image':
      return `<div class="blk blk-image">🖼 ${escapeHtml(b.title?.text ?? b.alt_text ?? 'image')}</div>`;
    default:
      return `<div class="blk unsupported">[${escapeHtml(b.type)} block]</div>`;
  }
}

/** A message's blocks, or its text when it has none (as Slack shows a text-only message). */
export function message(m, ctx = {}) {
  const blocks = Array.isArray(m.blocks) ? m.blocks : [];
  if (blocks.length === 0) return `<div class="blk blk-section"><div class="section-main"><div class="section-text">${mrkdwn(m.text ?? '', ctx)}</div></div></div>`;
  return blocks.map((b) => block(b, ctx)).join('');
}

/** Every interactive element of a set of blocks, by action_id: the page looks up a clicked button's confirm here. */
export function findElement(blocks, actionId) {
  for (const b of blocks ?? []) {
    if (b.type === 'actions') for (const e of b.elements ?? []) if (e.action_id === actionId) return e;
    if (b.type === 'section' && b.accessory?.action_id === actionId) return b.accessory;
  }
  return undefined;
}
