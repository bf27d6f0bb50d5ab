// Shapes shared by the sandbox's service simulators and its HTTP server (wire protocol helpers).

/** JSON 1.0/1.1 services (ECS, CodeDeploy, Step Functions): one function per operation, input and output as the SDK's JSON. */
export type JsonHandlers = Record<string, (input: Record<string, unknown>) => unknown>;

/** Query services (ELBv2): flat form params in, the inner XML of `<OpResult>` out. */
export type QueryHandlers = Record<string, (params: Record<string, string>) => string>;

export interface RestRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
}
export interface RestResponse {
  status: number;
  body: string;
}
/** REST-XML services (Route 53): the router names the operation (for the call record and faults) and handles it. */
export type RestRouter = (method: string, path: string) => { op: string; handle: (req: RestRequest) => RestResponse } | undefined;

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** `<tag>value</tag>` with the value escaped; undefined renders nothing. */
export function xmlEl(tag: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${tag}>${xmlEscape(String(value))}</${tag}>`;
}

/**
 * Reads a Query-protocol list: `Prefix.member.1.Field=…`, `Prefix.member.2.Field=…` → [{Field: …}, …].
 * With no field (scalar lists) returns the values.
 */
export function queryList(params: Record<string, string>, prefix: string): Record<string, string>[] {
  const out = new Map<number, Record<string, string>>();
  const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.member\\.(\\d+)(?:\\.(.+))?$`);
  for (const [k, v] of Object.entries(params)) {
    const m = re.exec(k);
    if (!m) continue;
    const i = Number(m[1]);
    const entry = out.get(i) ?? {};
    entry[m[2] ?? ''] = v;
    out.set(i, entry);
  }
  return [...out.entries()].sort((a, b) => a[0] - b[0]).map(([, e]) => e);
}
