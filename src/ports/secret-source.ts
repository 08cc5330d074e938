/** Named secrets for tool requests (`{{secret.NAME}}`): the agent names them, the server holds them. */
export interface SecretSource {
  /** The value, or undefined when no secret has this name. */
  get(name: string): Promise<string | undefined>;
}
