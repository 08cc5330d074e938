// Providers that cache a prompt prefix only where the request marks it. Anthropic takes up to four
// marks (`cache_control`) and ignores a prefix below its minimum length (1,024 to 4,096 tokens by
// model) without an error; Bedrock takes `cachePoint` blocks and only on the models it caches for,
// so other Bedrock models get no mark. OpenAI and compatible servers cache repeated prefixes alone.
export type CacheMarkKind = 'anthropic' | 'bedrock';
/** Provider options as the AI SDK's prompt messages take them. */
export type CacheMarkOptions = Record<string, Record<string, { type: string }>>;

// Bedrock's prompt caching: Claude 3.5 Haiku, 3.7 Sonnet and the Claude 4 family, and Amazon Nova.
const BEDROCK_CACHED_MODELS =
  /claude-(?:3-5-haiku|3-7-sonnet|sonnet-4|opus-4|haiku-4)|nova-(?:micro|lite|pro|premier)/;

/** Which mark a provider's model takes, or undefined when it needs none or takes none. */
export function cacheMarkKind(provider: string, model: string): CacheMarkKind | undefined {
  if (provider === 'anthropic') return 'anthropic';
  if (provider === 'bedrock' && BEDROCK_CACHED_MODELS.test(model)) return 'bedrock';
  return undefined;
}

/** The provider options that end a cached prefix after the message or system text they are set on. */
export function cacheMarkOptions(kind: CacheMarkKind): CacheMarkOptions {
  return kind === 'anthropic'
    ? { anthropic: { cacheControl: { type: 'ephemeral' } } }
    : { bedrock: { cachePoint: { type: 'default' } } };
}
