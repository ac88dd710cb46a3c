/** The set of node types a workflow may use, looked up by type id. */
import type { AnyNodeDefinition } from './node-definition';

export class NodeRegistry {
  readonly #byType = new Map<string, AnyNodeDefinition>();

  constructor(definitions: Iterable<AnyNodeDefinition> = []) {
    for (const definition of definitions) this.add(definition);
  }

  add(definition: AnyNodeDefinition): this {
    if (this.#byType.has(definition.type)) throw new Error(`node type ${definition.type} is registered twice`);
    if (!definition.run && !definition.load) throw new Error(`node type ${definition.type} has no run`);
    this.#byType.set(definition.type, definition);
    return this;
  }

  get(type: string): AnyNodeDefinition | undefined {
    return this.#byType.get(type);
  }

  has(type: string): boolean {
    return this.#byType.has(type);
  }

  list(): AnyNodeDefinition[] {
    return [...this.#byType.values()];
  }
}
