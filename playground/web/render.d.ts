// Types of render.js (plain JavaScript served to the browser as is), for the tests that import it.
export interface RenderContext {
  users?: Record<string, string>;
  channels?: Record<string, string>;
  groups?: Record<string, string>;
}
export const EMOJI: Record<string, string>;
export function escapeHtml(text: unknown): string;
export function mrkdwn(text: unknown, ctx?: RenderContext): string;
export function textObject(t: unknown, ctx?: RenderContext): string;
export function element(e: unknown, ctx?: RenderContext, blockId?: string): string;
export function block(b: unknown, ctx?: RenderContext, errors?: Record<string, string>): string;
export function message(m: { text?: string; blocks?: unknown[] }, ctx?: RenderContext): string;
export function findElement(blocks: unknown[] | undefined, actionId: string): Record<string, unknown> | undefined;
