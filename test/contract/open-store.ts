/** How a contract suite gets a fresh, empty store of the implementation under test. */
export type OpenStore<T> = () => Promise<{ store: T; close(): Promise<void> | void }>;

/** Opens a fresh store before each test and closes it after; call the result to reach it. */
export function useFreshStore<T>(open: OpenStore<T>): () => T {
  let opened: { store: T; close(): Promise<void> | void } | undefined;
  beforeEach(async () => {
    opened = await open();
  });
  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });
  return () => {
    if (!opened) throw new Error('the store is only open inside a test');
    return opened.store;
  };
}

/** Of settled writes, how many won and the errors of those that lost. */
export function outcomes<T>(results: PromiseSettledResult<T>[]): { won: T[]; lost: unknown[] } {
  return {
    won: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    lost: results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : [])),
  };
}

/** Mutates a value a store handed out or was handed, as a careless caller might. */
export function scribbleOn(value: object): void {
  (value as Record<string, unknown>).name = 'changed by the caller';
}
