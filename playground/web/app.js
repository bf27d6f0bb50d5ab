// The playground page: shows the fake Slack's channels, and sends every command, press and submit to the server, which signs it for the bot.
/* global document, CSS, fetch, EventSource, localStorage, setTimeout, clearTimeout, setInterval, location, history, window, URL */
import { escapeHtml, findElement, message as renderMessage, block as renderBlock, textObject } from './render.js';

const $ = (id) => document.getElementById(id);
const ui = {
  setup: undefined,
  state: { messages: [], ephemerals: [], views: [], home: null },
  /** The App Home tab is shown instead of a channel. */
  home: localStorage.getItem('playground.home') === 'true',
  user: localStorage.getItem('playground.user') ?? '',
  channel: localStorage.getItem('playground.channel') ?? '',
  thread: undefined,
  /** Channel id → how many top-level messages were there when it was last looked at. */
  seen: {},
  shownView: undefined,
  history: [],
};

async function api(path, body, method) {
  const res = await fetch(path, {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error ?? `HTTP ${res.status}`);
  return data;
}

function showError(text) {
  const el = $('error');
  el.textContent = text;
  el.hidden = !text;
}

function ctx() {
  const s = ui.setup;
  return {
    users: Object.fromEntries([...s.people.map((p) => [p.id, p.name]), [s.bot.id, s.bot.name]]),
    channels: Object.fromEntries(s.channels.map((c) => [c.id, c.name])),
    groups: s.groups,
  };
}

function timeOf(ms) {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: ui.setup.timezone }).format(new Date(ms));
}

// ── rendering ────────────────────────────────────────────────────────────────

function renderSidebar() {
  const list = $('channels');
  list.innerHTML = ui.setup.channels
    .map((c) => {
      const count = ui.state.messages.filter((m) => m.channel === c.id).length;
      const unread = c.id !== ui.channel && count > (ui.seen[c.id] ?? 0);
      return `<li><button type="button" class="channel-link${c.id === ui.channel && !ui.home ? ' active' : ''}${unread ? ' unread' : ''}" data-channel="${escapeHtml(c.id)}"># ${escapeHtml(c.name)}${unread ? ` <span class="badge">${count - (ui.seen[c.id] ?? 0)}</span>` : ''}</button></li>`;
    })
    .join('');
  $('home-link').classList.toggle('active', ui.home);
  const me = ui.setup.people.find((p) => p.id === ui.user);
  $('user-role').textContent = me ? `${me.id} · ${me.role}` : '';
}

function messageHtml(m, { inThread = false } = {}) {
  const replies = !inThread && m.reply_count > 0 ? `<button type="button" class="replies" data-thread="${escapeHtml(m.ts)}">💬 ${m.reply_count} ${m.reply_count === 1 ? 'reply' : 'replies'}</button>` : '';
  const edited = m.updates > 0 ? '<span class="edited">(updated)</span>' : '';
  const marked = ui.marked && ui.marked.channel === m.channel && ui.marked.ts === m.ts ? ' focused' : '';
  return `<div class="msg${marked}" data-ts="${escapeHtml(m.ts)}" data-channel="${escapeHtml(m.channel)}">
    <div class="avatar" aria-hidden="true">${escapeHtml(ui.setup.bot.name.slice(0, 1).toUpperCase())}</div>
    <div class="msg-main">
      <div class="msg-meta"><span class="msg-author">${escapeHtml(ui.setup.bot.name)}</span><span class="app-badge">APP</span><span class="msg-time">${escapeHtml(timeOf(m.at))}</span>${edited}</div>
      <div class="msg-body">${renderMessage(m, ctx())}</div>
      ${replies}
    </div>
  </div>`;
}

function ephemeralHtml(e) {
  return `<div class="msg ephemeral" data-ephemeral="${e.index}">
    <div class="avatar" aria-hidden="true">${escapeHtml(ui.setup.bot.name.slice(0, 1).toUpperCase())}</div>
    <div class="msg-main">
      <div class="msg-meta"><span class="msg-author">${escapeHtml(ui.setup.bot.name)}</span><span class="app-badge">APP</span><span class="msg-time">${escapeHtml(timeOf(e.at))}</span></div>
      <div class="only-you">👁 Only visible to you</div>
      <div class="msg-body">${renderMessage(e, ctx())}</div>
    </div>
  </div>`;
}

/** The App Home as the bot published it: its blocks, rendered like a message's. */
function renderHome() {
  const box = $('messages');
  $('channel-name').textContent = '🏠 Home';
  $('channel-topic').textContent = 'the App Home tab: every environment live, published by the bot when you open it and when a run changes';
  const home = ui.state.home;
  box.innerHTML = home
    ? `<div class="msg home-view" data-home="true"><div class="msg-main"><div class="msg-body">${home.blocks.map((b) => renderBlock(b, ctx())).join('')}</div></div></div>`
    : '<div class="empty">Opening the Home tab…</div>';
}

function openHome() {
  return api('/api/open-home', { user: ui.user }).catch((err) => showError(err.message));
}

function renderMessages() {
  if (ui.home) return renderHome();
  const box = $('messages');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const channel = ui.setup.channels.find((c) => c.id === ui.channel);
  $('channel-name').textContent = `# ${channel?.name ?? ui.channel}`;
  $('channel-topic').textContent = channel ? `runs in the ${channel.env} environment post here` : '';
  const items = [
    ...ui.state.messages.filter((m) => m.channel === ui.channel).map((m) => ({ at: m.at, html: messageHtml(m) })),
    // An ephemeral from a command typed elsewhere still belongs to the channel it was typed in.
    ...ui.state.ephemerals.filter((e) => (e.channel ?? ui.channel) === ui.channel).map((e) => ({ at: e.at, html: ephemeralHtml(e) })),
  ].sort((a, b) => a.at - b.at);
  box.innerHTML = items.length
    ? items.map((i) => i.html).join('')
    : `<div class="empty">No messages in this channel yet. Try <code>/maintenance start ${escapeHtml(channel?.env ?? 'dev')}</code> or <code>/ops help</code>.</div>`;
  if (atBottom || ui.jumpToBottom) box.scrollTop = box.scrollHeight;
  ui.jumpToBottom = false;
  ui.seen[ui.channel] = ui.state.messages.filter((m) => m.channel === ui.channel).length;
}

function renderThread() {
  const pane = $('thread');
  if (!ui.thread) {
    pane.hidden = true;
    return;
  }
  const parent = ui.state.messages.find((m) => m.channel === ui.thread.channel && m.ts === ui.thread.ts);
  if (!parent) {
    pane.hidden = true;
    return;
  }
  pane.hidden = false;
  $('thread-body').innerHTML = `${messageHtml(parent, { inThread: true })}<div class="thread-count">${parent.replies.length} ${parent.replies.length === 1 ? 'reply' : 'replies'}</div>${parent.replies.map((r) => messageHtml({ ...r, reply_count: 0, updates: 0 }, { inThread: true })).join('')}`;
}

function renderModal() {
  const root = $('modal-root');
  const view = ui.state.views.at(-1);
  if (!view) {
    root.innerHTML = '';
    ui.shownView = undefined;
    return;
  }
  // Keep what was typed: rebuild only when another view (or another version of it) arrives, else refresh the errors.
  const key = `${view.id}:${view.hash}`;
  if (ui.shownView !== key) {
    ui.shownView = key;
    root.innerHTML = `<div class="overlay"><form class="modal" data-view="${escapeHtml(view.id)}" role="dialog" aria-modal="true">
      <header class="modal-header">${textObject(view.title)}<button type="button" class="icon-btn" data-close-view aria-label="Close">✕</button></header>
      <div class="modal-body">${view.blocks.map((b) => renderBlock(b, ctx(), view.errors)).join('')}</div>
      <footer class="modal-footer"><button type="button" class="btn" data-close-view>${textObject(view.close ?? { type: 'plain_text', text: 'Cancel' })}</button>${view.submit ? `<button type="submit" class="btn btn-primary">${textObject(view.submit)}</button>` : ''}</footer>
    </form></div>`;
    root.querySelector('input, textarea, select')?.focus();
  }
  for (const b of view.blocks.filter((x) => x.type === 'input')) {
    const label = root.querySelector(`[data-block-id="${CSS.escape(b.block_id ?? '')}"]`)?.closest('.blk-input');
    if (!label) continue;
    label.querySelector('.input-error')?.remove();
    const err = view.errors[b.block_id];
    if (err) label.insertAdjacentHTML('beforeend', `<div class="input-error">${escapeHtml(err)}</div>`);
  }
}

function render() {
  renderSidebar();
  renderMessages();
  renderThread();
  renderModal();
  showFocus();
}

// ── message links ────────────────────────────────────────────────────────────

/** Slack's permalink form, `…/archives/C…/p<ts without its dot>[?thread_ts=…]`, on this machine: the message it names. */
function permalinkTarget(href) {
  let u;
  try {
    u = new URL(href, location.href);
  } catch {
    return undefined;
  }
  const m = /^\/archives\/([CGD][A-Z0-9]+)\/p(\d{7,})$/.exec(u.pathname);
  if (!m || !['127.0.0.1', 'localhost'].includes(u.hostname)) return undefined;
  const dotted = (p) => `${p.slice(0, -6)}.${p.slice(-6)}`;
  return { channel: m[1], ts: dotted(m[2]), thread: u.searchParams.get('thread_ts') ?? undefined };
}

/** Opens the channel (and thread) a link names and marks the message, as Slack's client does with a permalink. */
function openPermalink(t, { push = true } = {}) {
  ui.home = false;
  ui.channel = t.channel;
  // A reply's link names its thread; a top-level message with replies opens without its thread.
  ui.thread = t.thread && t.thread !== t.ts ? { channel: t.channel, ts: t.thread } : undefined;
  ui.focus = t;
  const path = `/archives/${t.channel}/p${t.ts.replace('.', '')}${t.thread ? `?thread_ts=${encodeURIComponent(t.thread)}` : ''}`;
  if (push && location.pathname + location.search !== path) history.pushState(null, '', path);
  if (ui.setup) render();
}

/** Scrolls to the linked message once it is on the page; says so when the playground has no such message. */
function showFocus() {
  const t = ui.focus;
  if (!t || ui.home) return;
  const top = ui.state.messages.find((m) => m.channel === t.channel && m.ts === t.ts);
  const parent = top ? undefined : ui.state.messages.find((m) => m.channel === t.channel && m.replies.some((r) => r.ts === t.ts));
  if (!top && !parent) {
    if (ui.loaded) {
      ui.focus = undefined;
      showError('That link names a message this playground does not have — it may be from an earlier start.');
    }
    return;
  }
  if (parent && ui.thread?.ts !== parent.ts) {
    ui.thread = { channel: t.channel, ts: parent.ts };
    renderThread();
  }
  const box = parent ? $('thread-body') : $('messages');
  const el = box.querySelector(`.msg[data-channel="${CSS.escape(t.channel)}"][data-ts="${CSS.escape(t.ts)}"]`);
  if (!el) return;
  ui.focus = undefined;
  // Marked until another channel is opened: the page re-renders on every change, the mark stays with the message.
  ui.marked = t;
  el.classList.add('focused');
  el.scrollIntoView({ block: 'center' });
}

// ── state from the server ────────────────────────────────────────────────────

let refreshTimer;
let refreshing = false;
async function refresh() {
  if (refreshing) {
    scheduleRefresh();
    return;
  }
  refreshing = true;
  try {
    ui.state = await api(`/api/state?user=${encodeURIComponent(ui.user)}`);
    ui.loaded = true;
    render();
  } catch (err) {
    showError(`The playground server did not answer: ${err.message}`);
  } finally {
    refreshing = false;
  }
}
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 60);
}

// ── the composer and its suggestions ─────────────────────────────────────────

function suggestionsFor(text) {
  const commands = ui.setup.commands;
  if (!text.startsWith('/')) return [];
  const [cmd] = text.split(/\s/);
  const exact = commands.find((c) => c.command === cmd);
  if (exact && text.length > cmd.length) {
    const rest = text.slice(cmd.length).trim();
    const examples = [...exact.examples, ...exact.forms].filter((f) => f.startsWith(text.trim()) || rest === '');
    const list = examples.length ? examples : exact.forms;
    return [...new Set(list)].map((f) => ({ fill: f.replace(/\s[<[].*$/, ' ').replace(/\s+$/, ' '), title: f, detail: exact.description, complete: !/[<[]/.test(f) }));
  }
  return commands.filter((c) => c.command.startsWith(cmd)).map((c) => ({ fill: `${c.command} `, title: `${c.command} ${c.usageHint}`, detail: c.description, complete: false }));
}

function renderSuggestions() {
  const list = $('suggestions');
  const items = suggestionsFor($('input').value);
  ui.suggestions = items;
  list.hidden = items.length === 0;
  list.innerHTML = items
    .slice(0, 8)
    .map((s, i) => `<li><button type="button" class="suggestion" data-index="${i}"><span class="suggestion-title">${escapeHtml(s.title)}</span><span class="suggestion-detail">${escapeHtml(s.detail)}</span></button></li>`)
    .join('');
}

function fillSuggestion(i) {
  const s = ui.suggestions?.[i];
  if (!s) return;
  $('input').value = s.complete ? s.title : s.fill;
  $('input').focus();
  renderSuggestions();
}

async function sendCommand(text) {
  showError('');
  ui.history.push(text);
  ui.jumpToBottom = true;
  try {
    const answer = await api('/api/command', { text, user: ui.user, channel: ui.channel });
    if (answer.status !== 200) showError(`The bot answered HTTP ${answer.status} to ${text}.`);
  } catch (err) {
    showError(err.message);
  }
}

// ── buttons, confirmation dialogs and modals ─────────────────────────────────

function confirmDialog(confirm) {
  return new Promise((resolve) => {
    const root = $('dialog-root');
    const danger = confirm.style === 'danger';
    root.innerHTML = `<div class="overlay"><div class="dialog" role="alertdialog" aria-modal="true">
      <div class="dialog-title">${textObject(confirm.title ?? { type: 'plain_text', text: 'Are you sure?' })}</div>
      <div class="dialog-text">${textObject(confirm.text ?? { type: 'plain_text', text: '' }, ctx())}</div>
      <div class="dialog-buttons"><button type="button" class="btn" data-answer="no">${textObject(confirm.deny ?? { type: 'plain_text', text: 'Cancel' })}</button><button type="button" class="btn ${danger ? 'btn-danger' : 'btn-primary'}" data-answer="yes">${textObject(confirm.confirm ?? { type: 'plain_text', text: 'Yes' })}</button></div>
    </div></div>`;
    root.querySelectorAll('[data-answer]').forEach((b) =>
      b.addEventListener('click', () => {
        root.innerHTML = '';
        resolve(b.dataset.answer === 'yes');
      }),
    );
  });
}

async function press(target, actionId, value) {
  showError('');
  const msgEl = target.closest('.msg');
  if (msgEl.dataset.home) {
    showError('The playground presses buttons on channel messages only: press it on the run’s message in its channel.');
    return;
  }
  const where = msgEl.dataset.ephemeral !== undefined ? { ephemeral: Number(msgEl.dataset.ephemeral) } : { channel: msgEl.dataset.channel, ts: msgEl.dataset.ts };
  const source = where.ephemeral !== undefined ? ui.state.ephemerals.find((e) => e.index === where.ephemeral) : ui.state.messages.find((m) => m.channel === where.channel && m.ts === where.ts);
  const el = findElement(source?.blocks, actionId);
  if (el?.confirm && !(await confirmDialog(el.confirm))) return;
  target.disabled = true;
  try {
    const answer = await api('/api/press', { user: ui.user, actionId, ...where, ...(value !== undefined ? { value } : {}) });
    if (answer.status !== 200) showError(`The bot answered HTTP ${answer.status} to that press.`);
  } catch (err) {
    showError(err.message);
  } finally {
    target.disabled = false;
  }
}

function readInputs(form) {
  const values = {};
  form.querySelectorAll('[data-block-id][data-action-id]').forEach((el) => {
    (values[el.dataset.blockId] ??= {})[el.dataset.actionId] = el.value === '' ? null : el.value;
  });
  return values;
}

// ── the sandbox panel ────────────────────────────────────────────────────────

function sandboxHtml(s) {
  const out = [];
  for (const [cluster, services] of Object.entries(s.ecs ?? {})) {
    out.push(`<div class="panel-title">ECS · ${escapeHtml(cluster)}</div><table class="svc"><thead><tr><th>service</th><th title="running / desired (+ pending)">tasks</th><th>failed</th><th>rollout</th><th></th></tr></thead><tbody>`);
    for (const [name, v] of Object.entries(services)) {
      // A CodeDeploy-controlled service has no rollout state: running = desired is all there is to see.
      const ready = v.desired > 0 && v.running >= v.desired && (v.rolloutState === 'COMPLETED' || v.rolloutState === undefined);
      const mark = v.desired === 0 ? '⚪' : ready ? '🟢' : v.failed > 0 ? '🔴' : '⏳';
      // One switch per service: what it does now is written on it, and a service set to fail says so on its row.
      const toggle = v.failing
        ? `<button type="button" class="mini" data-fail="${escapeHtml(cluster)}|${escapeHtml(name)}|0" title="Let its tasks start again">heal</button>`
        : `<button type="button" class="mini" data-fail="${escapeHtml(cluster)}|${escapeHtml(name)}|1" title="Make its new tasks fail to start">fail</button>`;
      const failing = v.failing ? ' <span class="failing" title="New tasks of this service fail to start until you heal it">💥 set to fail</span>' : '';
      out.push(
        `<tr data-service="${escapeHtml(name)}"${v.failing ? ' class="is-failing"' : ''}><td>${mark} ${escapeHtml(name)}${failing}</td><td class="num">${v.running}/${v.desired}${v.pending ? ` <span class="dim">+${v.pending}</span>` : ''}</td><td class="num">${v.failed}</td><td class="rollout" title="${escapeHtml(v.rolloutState ?? '')}">${escapeHtml(v.rolloutState ?? '—')}</td><td>${toggle}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  }
  // Alarms next to the services: canaries, deploys and cutovers stop on them, so their state is the first thing to see.
  const alarms = s.cloudwatch?.alarms ?? [];
  if (alarms.length) {
    out.push('<div class="panel-title">CloudWatch alarms</div><table class="svc"><tbody>');
    for (const a of alarms) {
      const since = a.since ? ` since ${escapeHtml(timeOf(Date.parse(a.since)))}` : '';
      out.push(`<tr data-alarm="${escapeHtml(a.name)}" title="${escapeHtml(a.reason ?? '')}"><td>${a.state === 'ALARM' ? '🚨' : a.state === 'OK' ? '✅' : '⏳'} ${escapeHtml(a.name)}</td><td class="alarm-state${a.state === 'ALARM' ? ' in-alarm' : ''}">${escapeHtml(a.state)}${since}</td></tr>`);
    }
    out.push('</tbody></table>');
  }
  const listeners = s.elbv2?.listeners ?? [];
  if (listeners.length) {
    out.push('<div class="panel-title">ALB listeners · rules by priority</div>');
    for (const l of listeners) {
      // …/listener/app/<lb name>/<lb id>/<listener id>: the load balancer's name and the listener id's tail tell them apart.
      const parts = l.arn.split('/');
      const name = `${parts.at(-3)} …${String(parts.at(-1)).slice(-4)}`;
      // The default rule's action on the summary line: canary weights are visible without opening anything.
      const last = l.rules.at(-1);
      const top = l.rules.length > 1 ? l.rules[0] : undefined;
      const gist = [top && `top: ${top.action}`, last && `default: ${last.action}`].filter(Boolean).join(' · ');
      out.push(`<details class="listener"><summary>${escapeHtml(l.protocol)}:${escapeHtml(l.port)} <span class="dim">${escapeHtml(name)}</span> · ${l.rules.length} rules<div class="gist">${escapeHtml(gist)}</div></summary><ol class="rules">`);
      for (const r of l.rules) out.push(`<li><span class="prio">${escapeHtml(r.priority)}</span> ${escapeHtml(r.conditions.join(' & ') || 'any')} → ${escapeHtml(r.action)}</li>`);
      out.push('</ol></details>');
    }
  }
  const records = (s.route53?.zones ?? []).flatMap((z) => z.records.filter((r) => r.weight !== undefined || r.target.startsWith('alias')).map((r) => ({ zone: z.name, ...r })));
  if (records.length) {
    out.push('<div class="panel-title">Route 53 · weighted and alias records</div><table class="svc"><tbody>');
    for (const r of records) out.push(`<tr><td>${escapeHtml(r.name)} ${escapeHtml(r.type)}${r.setIdentifier ? ` <span class="dim">${escapeHtml(r.setIdentifier)}</span>` : ''}</td><td class="num">${r.weight !== undefined ? `w ${escapeHtml(r.weight)}` : ''}</td><td class="dim">${escapeHtml(r.target)}</td></tr>`);
    out.push('</tbody></table>');
  }
  const pendingChanges = (s.route53?.changes ?? []).filter((c) => c.status === 'PENDING').length;
  if (pendingChanges) out.push(`<div class="dim">Route 53: ${pendingChanges} change(s) PENDING</div>`);
  const worse = Object.entries(s.cloudwatch?.targetGroups ?? {});
  if (worse.length) out.push(`<div class="dim">Target groups answering differently: ${worse.map(([tg, q]) => `${escapeHtml(String(tg).split('/').at(-2))} ${escapeHtml((q.errorRate * 100).toFixed(1))} % 5XX, p99 ${escapeHtml(q.p99Ms)} ms`).join(' · ')}</div>`);
  const deployments = Array.isArray(s.codedeploy?.deployments) ? s.codedeploy.deployments : [];
  out.push('<div class="panel-title">CodeDeploy deployments</div>');
  out.push(
    deployments.length
      ? `<ul class="deployments">${deployments.map((d) => `<li>${escapeHtml(typeof d === 'object' ? Object.entries(d).filter(([, v]) => typeof v !== 'object').map(([k, v]) => `${k}: ${v}`).join(' · ') : d)}</li>`).join('')}</ul>`
      : '<div class="dim">none yet</div>',
  );
  return out.join('');
}

async function refreshSandbox() {
  try {
    const s = await api('/api/sandbox');
    $('sandbox-clock').textContent = `clock ${timeOf(Date.parse(s.now))}`;
    const body = $('sandbox-body');
    const open = [...body.querySelectorAll('details[open] summary')].map((x) => x.textContent);
    body.innerHTML = sandboxHtml(s);
    body.querySelectorAll('details').forEach((d) => {
      if (open.includes(d.querySelector('summary').textContent)) d.open = true;
    });
    $('faults').innerHTML = (s.faults ?? []).length
      ? `Active: ${s.faults.map((f) => `${escapeHtml(f.service ?? 'all')} ${escapeHtml(f.kind)}${f.count ? ` ×${f.count}` : ''}`).join(', ')}`
      : '<span class="dim">no faults</span>';
  } catch (err) {
    $('sandbox-body').textContent = `sandbox unreachable: ${err.message}`;
  }
}

// ── wiring ───────────────────────────────────────────────────────────────────

function wire() {
  // A link to a message on this machine opens it here, as Slack's client opens a permalink, not in a new tab.
  document.addEventListener('click', (e) => {
    const a = e.target.closest('a[href]');
    const t = a && permalinkTarget(a.href);
    if (!t) return;
    e.preventDefault();
    openPermalink(t);
  });
  window.addEventListener('popstate', () => {
    const t = permalinkTarget(location.href);
    if (t) openPermalink(t, { push: false });
  });
  $('channels').addEventListener('click', (e) => {
    const b = e.target.closest('[data-channel]');
    if (!b) return;
    ui.channel = b.dataset.channel;
    ui.marked = undefined;
    if (location.pathname !== '/') history.pushState(null, '', '/');
    localStorage.setItem('playground.channel', ui.channel);
    ui.home = false;
    localStorage.setItem('playground.home', 'false');
    ui.thread = undefined;
    ui.jumpToBottom = true;
    render();
  });
  $('home-link').addEventListener('click', () => {
    ui.home = true;
    localStorage.setItem('playground.home', 'true');
    ui.thread = undefined;
    render();
    void openHome();
  });
  // The language switch: the people's Slack locale and the environments' language, for the next messages.
  $('language').addEventListener('change', async (e) => {
    try {
      await api('/api/language', { lang: e.target.value });
      ui.setup = await api('/api/setup');
      refresh();
      if (ui.home) void openHome();
    } catch (err) {
      showError(err.message);
    }
  });
  $('user').addEventListener('change', (e) => {
    ui.user = e.target.value;
    localStorage.setItem('playground.user', ui.user);
    ui.shownView = undefined;
    refresh();
    if (ui.home) void openHome();
  });
  const input = $('input');
  input.addEventListener('input', renderSuggestions);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Tab' && ui.suggestions?.length) {
      e.preventDefault();
      fillSuggestion(0);
    } else if (e.key === 'Escape') {
      $('suggestions').hidden = true;
    } else if (e.key === 'ArrowUp' && !input.value && ui.history.length) {
      input.value = ui.history.at(-1);
    }
  });
  $('suggestions').addEventListener('mousedown', (e) => {
    const b = e.target.closest('[data-index]');
    if (!b) return;
    e.preventDefault();
    fillSuggestion(Number(b.dataset.index));
  });
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    if (!text.startsWith('/')) {
      showError('The bot only listens to slash commands here: start with /, e.g. /ops help');
      return;
    }
    input.value = '';
    $('suggestions').hidden = true;
    void sendCommand(text);
  });
  const onMessageClick = (e) => {
    const thread = e.target.closest('[data-thread]');
    if (thread) {
      const m = thread.closest('.msg');
      ui.thread = { channel: m.dataset.channel, ts: thread.dataset.thread };
      renderThread();
      return;
    }
    const button = e.target.closest('button[data-action-id]');
    if (button) void press(button, button.dataset.actionId);
  };
  $('messages').addEventListener('click', onMessageClick);
  $('thread-body').addEventListener('click', onMessageClick);
  $('messages').addEventListener('change', (e) => {
    const select = e.target.closest('select[data-action-id]');
    if (select) void press(select, select.dataset.actionId, select.value);
  });
  $('thread-close').addEventListener('click', () => {
    ui.thread = undefined;
    renderThread();
  });
  $('modal-root').addEventListener('click', (e) => {
    if (!e.target.closest('[data-close-view]')) return;
    const view = ui.state.views.at(-1);
    if (view) void api('/api/close-view', { user: ui.user, viewId: view.id }).catch((err) => showError(err.message));
  });
  $('modal-root').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target.closest('form[data-view]');
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    try {
      const answer = await api('/api/submit', { user: ui.user, viewId: form.dataset.view, values: readInputs(form) });
      if (answer.status !== 200) showError(`The bot answered HTTP ${answer.status} to that form.`);
    } catch (err) {
      showError(err.message);
    } finally {
      submit.disabled = false;
    }
  });
  $('sandbox-body').addEventListener('click', async (e) => {
    const b = e.target.closest('[data-fail]');
    if (!b) return;
    const [cluster, service, fail] = b.dataset.fail.split('|');
    await api('/api/sandbox/fail-service', { cluster, service, fail: fail === '1' }).catch((err) => showError(err.message));
    void refreshSandbox();
  });
  $('fault-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const kind = $('fault-kind').value;
    const count = Number($('fault-count').value);
    const fault = { service: $('fault-service').value, kind, ...(kind === 'latency' ? { latencyMs: 2000 } : {}), ...(count > 0 ? { count } : {}) };
    await api('/api/sandbox/faults', fault).catch((err) => showError(err.message));
    void refreshSandbox();
  });
  $('alarm-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    await api('/api/sandbox/alarms', { name: $('alarm-name').value.trim(), state: $('alarm-state').value }).catch((err) => showError(err.message));
    void refreshSandbox();
  });
  $('quality-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { targetGroup: $('quality-tg').value.trim(), errorRate: Number($('quality-errors').value) / 100, p99Ms: Number($('quality-p99').value) };
    await api('/api/sandbox/traffic', body).catch((err) => showError(err.message));
    void refreshSandbox();
  });
  $('fault-clear').addEventListener('click', async () => {
    await api('/api/sandbox/faults', undefined, 'DELETE').catch((err) => showError(err.message));
    void refreshSandbox();
  });
}

async function main() {
  ui.setup = await api('/api/setup');
  const s = ui.setup;
  $('workspace').textContent = s.team;
  $('language').value = s.language ?? 'en';
  if (!s.people.some((p) => p.id === ui.user)) ui.user = s.people[0].id;
  if (!s.channels.some((c) => c.id === ui.channel)) ui.channel = s.channels[0]?.id ?? '';
  $('user').innerHTML = s.people.map((p) => `<option value="${escapeHtml(p.id)}"${p.id === ui.user ? ' selected' : ''}>${escapeHtml(p.name)}</option>`).join('');
  for (const c of s.channels) ui.seen[c.id] = 0;
  const linked = permalinkTarget(location.href);
  if (linked) openPermalink(linked, { push: false });
  wire();
  ui.jumpToBottom = true;
  await refresh();
  if (ui.home) void openHome();
  for (const c of s.channels) ui.seen[c.id] = ui.state.messages.filter((m) => m.channel === c.id).length;
  renderSidebar();
  // chat.update, new messages, ephemerals and modals all arrive as events from the fake Slack.
  const events = new EventSource('/api/events');
  events.addEventListener('change', scheduleRefresh);
  events.addEventListener('hello', scheduleRefresh);
  await refreshSandbox();
  setInterval(refreshSandbox, 1000);
  document.body.dataset.ready = 'true';
}

main().catch((err) => showError(`The playground could not start: ${err.message}`));
