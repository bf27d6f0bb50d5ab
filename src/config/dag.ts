// Dependency graphs of services: cycle detection and start order, pure and shared by config and startup.

/** Returns one cycle as a closed path (a → b → a), or undefined when the graph is acyclic. */
export function findCycle(deps: Record<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const dep of deps[node] ?? []) {
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of Object.keys(deps).sort()) {
    const found = visit(node);
    if (found) return found;
  }
  return undefined;
}

/** Everything `names` needs, transitively, plus the names themselves. */
export function withDependencies(deps: Record<string, readonly string[]>, names: readonly string[]): string[] {
  const out = new Set<string>();
  const add = (n: string) => {
    if (out.has(n)) return;
    out.add(n);
    for (const d of deps[n] ?? []) add(d);
  };
  names.forEach(add);
  return Object.keys(deps).filter((n) => out.has(n));
}

/** Everything that depends on `names`, transitively, plus the names themselves (what a shutdown must stop first). */
export function withDependents(deps: Record<string, readonly string[]>, names: readonly string[]): string[] {
  const out = new Set(names);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [n, ds] of Object.entries(deps)) {
      if (!out.has(n) && ds.some((d) => out.has(d))) {
        out.add(n);
        grew = true;
      }
    }
  }
  return Object.keys(deps).filter((n) => out.has(n));
}
