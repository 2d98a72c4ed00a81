/** Makes new unique ids (random UUIDs in production, predictable ones in tests). */
export interface IdGenerator {
  next(): string;
}
