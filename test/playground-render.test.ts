// The playground's Block Kit → HTML: Slack's mrkdwn as the bot writes it, and no way for message text to become markup.
import { describe, expect, it } from 'vitest';
import { block, element, escapeHtml, message, mrkdwn, textObject } from '../playground/web/render.js';
import { runStatus } from '../blocks/run.js';
import type { Run } from '../src/runs/run.js';

const ctx = { users: { U0SRE0001: 'Aki (SRE)' }, channels: { C0PROD001: 'prod' }, groups: { S0LEADS01: 'leads' } };

/** Every tag and attribute in a piece of HTML: the renderer may only produce these. */
const ALLOWED_TAGS = new Set(['b', 'i', 's', 'code', 'pre', 'blockquote', 'br', 'a', 'span', 'div', 'button', 'hr', 'select', 'option', 'label', 'input', 'textarea', 'ul', 'li']);
const ALLOWED_ATTRS = /^(class|href|target|rel|type|value|placeholder|rows|selected|disabled|data-[a-z-]+)$/;
function markup(html: string): { tags: string[]; attrs: string[] } {
  const tags: string[] = [];
  const attrs: string[] = [];
  for (const m of html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*\/?>/g)) {
    tags.push(m[1]!.toLowerCase());
    for (const a of m[2]!.matchAll(/\s+([^\s=>]+)(?:="[^"]*")?/g)) attrs.push(a[1]!.toLowerCase());
  }
  return { tags, attrs };
}
const expectSafe = (html: string) => {
  const { tags, attrs } = markup(html);
  expect(tags.filter((t) => !ALLOWED_TAGS.has(t))).toEqual([]);
  expect(attrs.filter((a) => !ALLOWED_ATTRS.test(a))).toEqual([]);
  // Nothing that looks like a tag survives inside the text: every `<` left is one the renderer wrote.
  expect(html.replace(/<\/?[a-z]+(?:\s[^<>]*)?>/g, '')).not.toMatch(/</);
};

describe('mrkdwn', () => {
  it('renders bold, italics, strike, code and emoji shortcodes the bot uses', () => {
    expect(mrkdwn('*api*: maintenance ON')).toBe('<b>api</b>: maintenance ON');
    expect(mrkdwn('_why_ and ~gone~')).toBe('<i>why</i> and <s>gone</s>');
    expect(mrkdwn('run `r-1` :white_check_mark: :construction: :nope:')).toBe('run <code>r-1</code> ✅ 🚧 :nope:');
    expect(mrkdwn('```a *b*\nc```')).toBe('<pre class="code-block">a *b*\nc</pre>');
    // Slack formats at word edges only: snake_case and arithmetic stay as typed.
    expect(mrkdwn('service_a_b 2*3*4')).toBe('service_a_b 2*3*4');
    expect(mrkdwn('line 1\nline 2')).toBe('line 1<br>line 2');
  });

  it('renders links, user, channel and group mentions with names from the page', () => {
    expect(mrkdwn('see <https://example.com/a?b=1&amp;c=2|its message>')).toBe('see <a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">its message</a>');
    expect(mrkdwn('by <@U0SRE0001> in <#C0PROD001>, cc <!subteam^S0LEADS01>', ctx)).toBe(
      'by <span class="mention">@Aki (SRE)</span> in <span class="mention">#prod</span>, cc <span class="mention">@leads</span>',
    );
    expect(mrkdwn('<@U0UNKNOWN>')).toBe('<span class="mention">@U0UNKNOWN</span>');
    expect(mrkdwn('*<@U0SRE0001>*', ctx)).toBe('<b><span class="mention">@Aki (SRE)</span></b>');
  });

  it('shows Slack-escaped text as typed and never lets it become markup', () => {
    expect(mrkdwn('a &lt;b&gt; &amp; c')).toBe('a &lt;b&gt; &amp; c');
    const attacks = [
      '<img src=x onerror=alert(1)>',
      '<script>alert(1)</script>',
      '<javascript:alert(1)|click me>',
      '<https://ok.example/"onmouseover="alert(1)|x>',
      '`<img src=x onerror=alert(1)>`',
      '```<svg onload=alert(1)>```',
      '*<b onclick=alert(1)>x</b>*',
      '\u00000\u0000 placeholder forgery',
      '<@U1|<img src=x>>',
      '"><img src=x onerror=alert(1)>',
    ];
    for (const a of attacks) expectSafe(mrkdwn(a, ctx));
    expect(mrkdwn('<javascript:alert(1)|click me>')).toBe('&lt;javascript:alert(1)|click me&gt;');
    expect(mrkdwn('<https://ok.example/"onmouseover="alert(1)|x>')).toContain('href="https://ok.example/&quot;onmouseover=&quot;alert(1)"');
    expect(mrkdwn('\u00000\u0000')).toBe('0');
  });
});

describe('blocks', () => {
  it('renders header, section with fields, context, divider and buttons in their styles', () => {
    const html = message({
      text: 'fallback',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: '✅ Maintenance on · dev' } },
        { type: 'section', fields: [{ type: 'mrkdwn', text: '🚧 *api*: maintenance ON' }, { type: 'mrkdwn', text: 'two' }] },
        { type: 'divider' },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Done · requested by <@U0SRE0001>' }] },
        {
          type: 'actions',
          block_id: 'run:r-1',
          elements: [
            { type: 'button', action_id: 'run.approve', text: { type: 'plain_text', text: 'Approve' }, style: 'primary', value: 'x' },
            { type: 'button', action_id: 'run.rollback', text: { type: 'plain_text', text: 'Rollback' }, style: 'danger', value: 'x', confirm: { title: { type: 'plain_text', text: 'Roll back?' } } },
            { type: 'button', action_id: 'run.cancel', text: { type: 'plain_text', text: 'Cancel' }, value: 'x' },
          ],
        },
      ],
    }, ctx);
    expect(html).toContain('<div class="blk blk-header">✅ Maintenance on · dev</div>');
    expect(html).toContain('<div class="field">🚧 <b>api</b>: maintenance ON</div>');
    expect(html).toContain('<hr class="blk blk-divider">');
    expect(html).toContain('requested by <span class="mention">@Aki (SRE)</span>');
    expect(html).toContain('<button type="button" class="btn btn-primary" data-action-id="run.approve" data-block-id="run:r-1">Approve</button>');
    expect(html).toContain('class="btn btn-danger" data-action-id="run.rollback" data-block-id="run:r-1" data-confirm="1">Rollback</button>');
    expect(html).toContain('class="btn" data-action-id="run.cancel"');
    expectSafe(html);
  });

  it('a message without blocks shows its text; plain_text is escaped; unknown blocks say so', () => {
    expect(message({ text: '*hi* <b>' })).toContain('<b>hi</b> &lt;b&gt;');
    expect(textObject({ type: 'plain_text', text: '<i>x</i> :x:' })).toBe('&lt;i&gt;x&lt;/i&gt; ❌');
    expect(block({ type: 'video' })).toContain('[video block]');
    expect(element({ type: 'button', action_id: '"><script>', text: { type: 'plain_text', text: 'x' } })).toContain('data-action-id="&quot;&gt;&lt;script&gt;"');
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });

  it('renders a modal input with its label and the error Slack would show under it', () => {
    const html = block(
      { type: 'input', block_id: 'confirm', label: { type: 'plain_text', text: 'Type prod to confirm' }, element: { type: 'plain_text_input', action_id: 'env' } },
      {},
      { confirm: 'Type prod exactly to confirm.' },
    );
    expect(html).toContain('Type prod to confirm');
    expect(html).toContain('<input class="input" type="text" data-block-id="confirm" data-action-id="env" data-type="plain_text_input">');
    expect(html).toContain('<div class="input-error">Type prod exactly to confirm.</div>');
  });

  it('renders a real run status message from blocks/run.ts safely, whatever the run error says', () => {
    const run = {
      id: 'r-abc-def',
      kind: 'maintenance',
      env: 'prod',
      state: 'failed',
      requestedBy: 'U0SRE0001',
      createdAt: Date.UTC(2026, 10, 25, 5, 0),
      endedAt: Date.UTC(2026, 10, 25, 5, 1),
      view: {},
      error: '<img src=x onerror=alert(1)> listener "api" not found',
      version: 3,
    } as unknown as Run;
    const { blocks } = runStatus(run, { timezone: 'Asia/Tokyo', now: Date.UTC(2026, 10, 25, 5, 2), title: 'Maintenance on · prod', anytime: [] });
    const html = message({ blocks: blocks as unknown[] }, ctx);
    expect(html).toContain('❌ Maintenance on · prod');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('data-action-id="run.retry"');
    expectSafe(html);
  });
});
