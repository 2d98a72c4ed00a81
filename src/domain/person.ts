/** A person as the bot knows them: the Entra object id when Teams gives one. */
/** Someone named in an answer (a lead officer, a representative), as the directory knows them. */
export interface PersonRef {
  /** The Entra object id. */
  readonly id: string;
  readonly name: string;
  readonly email?: string;
}

export interface Person {
  readonly id: string;
  readonly name: string;
  readonly tenantId?: string;
}
