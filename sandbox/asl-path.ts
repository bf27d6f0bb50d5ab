// The data half of Amazon States Language: JSONPath reads and writes, payload templates (`.$` keys) and intrinsic functions.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * An error the interpreter turns into a state failure. `States.Runtime` is the one AWS never lets a
 * Retry or Catch handle ("States.ALL does not match States.Runtime"), so a bad path fails the execution.
 */
export class StatesError extends Error {
  constructor(
    readonly error: string,
    override readonly cause: string,
  ) {
    super(`${error}: ${cause}`);
  }
}

const runtime = (cause: string) => new StatesError('States.Runtime', cause);

type Segment = string | number;

/** Parses the reference-path subset ASL uses: `$`, `$.a.b`, `$.a[0]`, `$['a b']`, and `$$.` for the context object. */
export function parsePath(path: string): { root: '$' | '$$'; segments: Segment[] } {
  const root = path.startsWith('$$') ? '$$' : path.startsWith('$') ? '$' : undefined;
  if (!root) throw runtime(`The path '${path}' does not start with '$'`);
  const segments: Segment[] = [];
  let i = root.length;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      const m = /^[^.[\]]+/.exec(path.slice(i + 1));
      if (!m) throw runtime(`The path '${path}' is not a valid reference path`);
      segments.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === '[') {
      const rest = path.slice(i);
      const idx = /^\[(\d+)\]/.exec(rest);
      const quoted = /^\['((?:[^'\\]|\\.)*)'\]/.exec(rest);
      if (idx) {
        segments.push(Number(idx[1]));
        i += idx[0].length;
      } else if (quoted) {
        segments.push((quoted[1] ?? '').replace(/\\(.)/g, '$1'));
        i += quoted[0].length;
      } else throw runtime(`The path '${path}' is not a valid reference path`);
    } else throw runtime(`The path '${path}' is not a valid reference path`);
  }
  return { root, segments };
}

const MISSING = Symbol('missing');

function lookup(data: Json | undefined, segments: Segment[]): Json | typeof MISSING {
  let cur: Json | undefined = data;
  for (const s of segments) {
    if (typeof s === 'number') {
      if (!Array.isArray(cur) || s >= cur.length) return MISSING;
      cur = cur[s];
    } else {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !(s in cur)) return MISSING;
      cur = cur[s];
    }
  }
  return cur === undefined ? MISSING : cur;
}

/** Reads a path; a missing field is a States.Runtime error, as in AWS ("The JSONPath '$.x' … could not be found"). */
export function readPath(path: string, input: Json, context: Json): Json {
  const { root, segments } = parsePath(path);
  const v = lookup(root === '$$' ? context : input, segments);
  if (v === MISSING) throw runtime(`The JSONPath '${path}' could not be found in the input '${JSON.stringify(input)}'`);
  return v;
}

/** Whether a path resolves (Choice's IsPresent; comparisons on an absent variable are runtime errors). */
export function hasPath(path: string, input: Json, context: Json): boolean {
  const { root, segments } = parsePath(path);
  return lookup(root === '$$' ? context : input, segments) !== MISSING;
}

/** ResultPath: puts `value` into a copy of `input` at `path`, creating objects on the way; `$` replaces the input. */
export function writePath(path: string, input: Json, value: Json): Json {
  const { root, segments } = parsePath(path);
  if (root === '$$') throw runtime(`ResultPath '${path}' cannot write to the context object`);
  if (segments.length === 0) return value;
  const out = structuredClone(input);
  if (out === null || typeof out !== 'object' || Array.isArray(out)) {
    throw runtime(`Unable to apply ResultPath '${path}' to input '${JSON.stringify(input)}': the input is not an object`);
  }
  let cur: Json = out;
  segments.forEach((s, i) => {
    const last = i === segments.length - 1;
    if (typeof s === 'number') {
      if (!Array.isArray(cur) || s >= cur.length) throw runtime(`Unable to apply ResultPath '${path}': index ${s} is out of range`);
      if (last) cur[s] = value;
      else cur = cur[s] as Json;
      return;
    }
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) throw runtime(`Unable to apply ResultPath '${path}' to '${JSON.stringify(input)}'`);
    if (last) cur[s] = value;
    else {
      const next: Json | undefined = cur[s];
      if (next === undefined || next === null || typeof next !== 'object') cur[s] = {};
      cur = cur[s] as Json;
    }
  });
  return out;
}

/** InputPath / OutputPath: null means `{}`; absent means `$`. */
export function selectPath(path: string | null | undefined, input: Json, context: Json): Json {
  if (path === null) return {};
  if (path === undefined) return input;
  return readPath(path, input, context);
}

/** Applies a payload template (Parameters, ResultSelector, ItemSelector): `key.$` values are paths or intrinsics. */
export function applyTemplate(template: Json, input: Json, context: Json): Json {
  if (Array.isArray(template)) return template.map((t) => applyTemplate(t, input, context));
  if (template === null || typeof template !== 'object') return template;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(template)) {
    if (k.endsWith('.$')) {
      if (typeof v !== 'string') throw runtime(`The value of '${k}' must be a path or an intrinsic function`);
      out[k.slice(0, -2)] = v.startsWith('States.') ? evalIntrinsic(v, input, context) : readPath(v, input, context);
    } else out[k] = applyTemplate(v, input, context);
  }
  return out;
}

// Intrinsic functions ---------------------------------------------------------------------------

type Arg = { kind: 'value'; value: Json } | { kind: 'path'; path: string } | { kind: 'call'; name: string; args: Arg[] };

/** Parses `States.Fn(arg, …)` where an arg is a 'string', a number, true/false/null, a path or a nested call. */
function parseIntrinsic(src: string): Arg {
  let i = 0;
  const fail = (why: string): never => {
    throw runtime(`The intrinsic function '${src}' is invalid: ${why}`);
  };
  const ws = () => {
    while (src[i] === ' ') i++;
  };
  const arg = (): Arg => {
    ws();
    if (src[i] === "'") {
      let s = '';
      i++;
      while (i < src.length && src[i] !== "'") {
        if (src[i] === '\\') i++;
        s += src[i] ?? '';
        i++;
      }
      if (src[i] !== "'") fail('unterminated string');
      i++;
      return { kind: 'value', value: s };
    }
    if (src.startsWith('States.', i)) {
      const m = /^States\.[A-Za-z0-9]+/.exec(src.slice(i)) ?? fail('bad function name');
      i += m[0].length;
      ws();
      if (src[i] !== '(') fail(`expected ( after ${m[0]}`);
      i++;
      const args: Arg[] = [];
      ws();
      if (src[i] === ')') i++;
      else {
        for (;;) {
          args.push(arg());
          ws();
          if (src[i] === ',') i++;
          else if (src[i] === ')') {
            i++;
            break;
          } else fail('expected , or )');
        }
      }
      return { kind: 'call', name: m[0], args };
    }
    if (src[i] === '$') {
      const m = /^\$\$?(?:\.[^.,)[\] ]+|\[\d+\]|\['[^']*'\])*/.exec(src.slice(i)) ?? fail('bad path');
      i += m[0].length;
      return { kind: 'path', path: m[0] };
    }
    const lit = /^(-?\d+(?:\.\d+)?|true|false|null)/.exec(src.slice(i)) ?? fail(`unexpected '${src.slice(i)}'`);
    i += lit[0].length;
    return { kind: 'value', value: JSON.parse(lit[0]) as Json };
  };
  const top = arg();
  ws();
  if (i !== src.length || top.kind !== 'call') fail('trailing characters');
  return top;
}

function evalArg(a: Arg, input: Json, context: Json): Json {
  if (a.kind === 'value') return a.value;
  if (a.kind === 'path') return readPath(a.path, input, context);
  const args = a.args.map((x) => evalArg(x, input, context));
  const fn = INTRINSICS[a.name];
  if (!fn) throw runtime(`The intrinsic function ${a.name} is not supported by the sandbox`);
  return fn(args);
}

const str = (v: Json) => (typeof v === 'string' ? v : JSON.stringify(v));

const INTRINSICS: Record<string, (args: Json[]) => Json> = {
  'States.Format': ([template, ...rest]) => {
    if (typeof template !== 'string') throw runtime('States.Format needs a string template first');
    let n = 0;
    const out = template.replace(/\{\}/g, () => {
      if (n >= rest.length) throw runtime('States.Format has more {} than arguments');
      return str(rest[n++] ?? null);
    });
    if (n !== rest.length) throw runtime('States.Format has more arguments than {}');
    return out;
  },
  'States.StringToJson': ([s]) => {
    if (typeof s !== 'string') throw runtime('States.StringToJson needs a string');
    try {
      return JSON.parse(s) as Json;
    } catch {
      throw runtime(`States.StringToJson: '${s}' is not JSON`);
    }
  },
  'States.JsonToString': ([v]) => JSON.stringify(v ?? null),
  'States.Array': (args) => args,
  'States.ArrayLength': ([a]) => {
    if (!Array.isArray(a)) throw runtime('States.ArrayLength needs an array');
    return a.length;
  },
  'States.ArrayGetItem': ([a, n]) => {
    if (!Array.isArray(a) || typeof n !== 'number') throw runtime('States.ArrayGetItem needs an array and an index');
    return a[n] ?? null;
  },
  'States.MathAdd': ([a, b]) => {
    if (typeof a !== 'number' || typeof b !== 'number') throw runtime('States.MathAdd needs two numbers');
    return a + b;
  },
};

export function evalIntrinsic(src: string, input: Json, context: Json): Json {
  return evalArg(parseIntrinsic(src.trim()), input, context);
}
