/** Graph algorithms over node ids and directed edges (source -> target). Plain data in, plain data out. */

export interface Link {
  source: string;
  target: string;
}

export type OrderResult = { ok: true; order: string[] } | { ok: false; cycles: string[][] };

/** Kahn's algorithm; on failure, every cycle (strongly connected component) is named. */
export function topologicalOrder(ids: readonly string[], links: readonly Link[]): OrderResult {
  const { successors, indegree } = adjacency(ids, links);
  const order: string[] = [];
  const ready = ids.filter((id) => indegree.get(id) === 0);
  for (let i = 0; i < ready.length; i++) {
    const id = ready[i]!;
    order.push(id);
    for (const next of successors.get(id)!) {
      const d = indegree.get(next)! - 1;
      indegree.set(next, d);
      if (d === 0) ready.push(next);
    }
  }
  if (order.length === ids.length) return { ok: true, order };
  const placed = new Set(order);
  return { ok: false, cycles: stronglyConnected(ids.filter((id) => !placed.has(id)), successors) };
}

/** `from` and every node reachable from it. */
export function downstream(from: Iterable<string>, links: readonly Link[]): Set<string> {
  return reach(from, links, 'source', 'target');
}

/** `from` and every node it depends on. */
export function upstream(from: Iterable<string>, links: readonly Link[]): Set<string> {
  return reach(from, links, 'target', 'source');
}

/** Whether adding `link` would close a cycle (the editor refuses such a wire). */
export function wouldCycle(link: Link, links: readonly Link[]): boolean {
  return link.source === link.target || downstream([link.target], links).has(link.source);
}

function reach(from: Iterable<string>, links: readonly Link[], near: 'source' | 'target', far: 'source' | 'target') {
  const out = new Map<string, string[]>();
  for (const link of links) {
    const list = out.get(link[near]);
    if (list) list.push(link[far]);
    else out.set(link[near], [link[far]]);
  }
  const seen = new Set(from);
  const stack = [...seen];
  while (stack.length > 0) {
    for (const next of out.get(stack.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen;
}

function adjacency(ids: readonly string[], links: readonly Link[]) {
  const successors = new Map<string, string[]>(ids.map((id) => [id, []]));
  const indegree = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const { source, target } of links) {
    const list = successors.get(source);
    if (!list || !indegree.has(target)) continue; // links to nodes outside `ids` do not constrain order
    list.push(target);
    indegree.set(target, indegree.get(target)! + 1);
  }
  return { successors, indegree };
}

/** Tarjan's algorithm, iterative, restricted to `ids`; returns components that are cycles. */
function stronglyConnected(ids: readonly string[], successors: Map<string, string[]>): string[][] {
  const inScope = new Set(ids);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;

  for (const root of ids) {
    if (index.has(root)) continue;
    const work: { id: string; next: number }[] = [{ id: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const succ = (successors.get(frame.id) ?? []).filter((s) => inScope.has(s));
      if (frame.next < succ.length) {
        const next = succ[frame.next++]!;
        if (!index.has(next)) {
          index.set(next, counter);
          low.set(next, counter++);
          stack.push(next);
          onStack.add(next);
          work.push({ id: next, next: 0 });
        } else if (onStack.has(next)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(next)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        const selfLoop = (successors.get(frame.id) ?? []).includes(frame.id);
        if (component.length > 1 || selfLoop) cycles.push(component.reverse());
      }
    }
  }
  return cycles;
}
