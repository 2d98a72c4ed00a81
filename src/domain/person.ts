/** A person as the bot knows them: the Entra object id when Teams gives one. */
export interface Person {
  readonly id: string;
  readonly name: string;
  readonly tenantId?: string;
}
