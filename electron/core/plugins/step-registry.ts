import type { StepTypeDefinition } from '../../../shared/workflow/catalog';

export interface RegisteredStepType {
  definition: StepTypeDefinition;
  /** The plugin (or "pipeline_ex" for the built-in types) that registered it. */
  owner: string;
  /** The implementation the step type maps to, for status reports. */
  implementation?: string;
}

export class UnknownStepTypeError extends Error {
  constructor(
    readonly type: string,
    readonly known: string[],
  ) {
    super(`Unknown step type "${type}". Known step types: ${known.join(', ')}`);
  }
}

/** Runtime registry of step types; the validator and the runtime read the catalog from here. */
export class StepRegistry {
  private readonly types = new Map<string, RegisteredStepType>();

  register(definition: StepTypeDefinition, owner: string, implementation?: string): void {
    const existing = this.types.get(definition.type);
    if (existing) {
      throw new Error(`Step type "${definition.type}" is already registered by ${existing.owner}`);
    }
    this.types.set(definition.type, { definition, owner, implementation });
  }

  unregisterOwner(owner: string): void {
    for (const [type, entry] of this.types) if (entry.owner === owner) this.types.delete(type);
  }

  has(type: string): boolean {
    return this.types.has(type);
  }

  get(type: string): RegisteredStepType {
    const entry = this.types.get(type);
    if (!entry) throw new UnknownStepTypeError(type, this.knownTypes());
    return entry;
  }

  knownTypes(): string[] {
    return [...this.types.keys()].sort();
  }

  list(owner?: string): RegisteredStepType[] {
    return [...this.types.values()].filter((e) => owner === undefined || e.owner === owner);
  }

  /** The catalog handed to the workflow validator. */
  catalog(): StepTypeDefinition[] {
    return [...this.types.values()].map((e) => e.definition);
  }
}
