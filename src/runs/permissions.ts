// Who may operate and who may approve in an environment: Slack user ids and user groups (members cached).
import type { Permissions } from '../config/schema.js';

export type MembersOf = (userGroupId: string) => Promise<string[]>;

export class Access {
  private readonly cache = new Map<string, { at: number; members: Set<string> }>();

  constructor(
    private readonly membersOf: MembersOf,
    private readonly now: () => number,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  private async inList(userId: string, list: readonly string[]): Promise<boolean> {
    if (list.includes(userId)) return true;
    for (const id of list) {
      if (!id.startsWith('S')) continue;
      let entry = this.cache.get(id);
      if (!entry || this.now() - entry.at > this.ttlMs) {
        entry = { at: this.now(), members: new Set(await this.membersOf(id)) };
        this.cache.set(id, entry);
      }
      if (entry.members.has(userId)) return true;
    }
    return false;
  }

  /** An empty `operate` list means everyone in the channel may operate. */
  canOperate(userId: string, p: Permissions): Promise<boolean> {
    return p.operate.length === 0 ? Promise.resolve(true) : this.inList(userId, p.operate);
  }

  /** An empty `approve` list means whoever may operate may approve. */
  async canApprove(userId: string, p: Permissions): Promise<boolean> {
    return p.approve.length === 0 ? this.canOperate(userId, p) : this.inList(userId, p.approve);
  }

  /** For messages: "<@U1>, <!subteam^S1>". */
  static describe(list: readonly string[], anyone = 'anyone in the channel'): string {
    if (list.length === 0) return anyone;
    return list.map((id) => (id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`)).join(', ');
  }
}
