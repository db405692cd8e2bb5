export interface ProviderRegistration {
  name: string;
  capabilities: string[];
  owner: string;
  /** Lower is preferred when several providers qualify. */
  priority?: number;
  implementation?: string;
  /** A provider reporting itself unavailable is skipped by selection. */
  isAvailable?: () => boolean;
}

export class NoProviderError extends Error {
  constructor(readonly required: string[], readonly registered: string[]) {
    super(
      `No available provider has the capabilities [${required.join(', ')}]. Registered providers: ${registered.join(', ') || 'none'}`,
    );
  }
}

/** Providers with capabilities; selection by required capabilities with a fallback order. */
export class ProviderRegistry {
  private readonly providers = new Map<string, ProviderRegistration>();

  register(provider: ProviderRegistration): void {
    if (this.providers.has(provider.name)) {
      throw new Error(`Provider "${provider.name}" is already registered by ${this.providers.get(provider.name)!.owner}`);
    }
    this.providers.set(provider.name, provider);
  }

  unregisterOwner(owner: string): void {
    for (const [name, p] of this.providers) if (p.owner === owner) this.providers.delete(name);
  }

  get(name: string): ProviderRegistration | undefined {
    return this.providers.get(name);
  }

  list(owner?: string): ProviderRegistration[] {
    return [...this.providers.values()].filter((p) => owner === undefined || p.owner === owner);
  }

  /** Every provider having all required capabilities, best first: the fallback order. */
  fallbackOrder(required: string[]): ProviderRegistration[] {
    return this.list()
      .filter((p) => required.every((c) => p.capabilities.includes(c)))
      .sort((a, b) => (a.priority ?? 100) - (b.priority ?? 100) || a.name.localeCompare(b.name));
  }

  select(required: string[]): ProviderRegistration {
    const chosen = this.fallbackOrder(required).find((p) => p.isAvailable?.() ?? true);
    if (!chosen) throw new NoProviderError(required, [...this.providers.keys()]);
    return chosen;
  }
}
