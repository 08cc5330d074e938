// The call turn's store requests (read the call and its recent turns, write the turn and the call),
// sent as DynamoDB's own operations rather than through the document client, which resolves two
// middleware stacks per request. The inputs are the document client's (plain values), marshalled
// once here the way createDynamoClients configures the document client; either the SDK's client or
// the wire client (wire-client.ts) sends them.
import {
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type {
  GetCommandInput,
  PutCommandInput,
  QueryCommandInput,
  UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoWireClient } from './wire-client.js';

type Item = Record<string, unknown>;
type Attributes = Record<string, AttributeValue>;

export interface QueryPage {
  items: Item[];
  lastEvaluatedKey?: Item;
}

/** The four item requests of a turn, in plain values. */
export interface ItemRequests {
  getItem(input: GetCommandInput): Promise<Item | undefined>;
  /** Rejects with ConditionalCheckFailedException when its condition fails. */
  putItem(input: PutCommandInput): Promise<void>;
  updateItem(input: UpdateCommandInput): Promise<Item | undefined>;
  queryItems(input: QueryCommandInput): Promise<QueryPage>;
}

// The document client's marshallOptions in createDynamoClients.
const MARSHALL_OPTIONS = { removeUndefinedValues: true };

const toAttributes = (item: Item): Attributes => marshall(item, MARSHALL_OPTIONS);
const toItem = (attributes: Attributes | undefined): Item | undefined =>
  attributes ? unmarshall(attributes) : undefined;
const values = (input: { ExpressionAttributeValues?: Item }) =>
  input.ExpressionAttributeValues
    ? { ExpressionAttributeValues: toAttributes(input.ExpressionAttributeValues) }
    : {};

const getInput = (input: GetCommandInput) => ({ ...input, Key: toAttributes(input.Key!) });
const putInput = (input: PutCommandInput) => ({
  ...input,
  Item: toAttributes(input.Item!),
  ...values(input),
});
const updateInput = (input: UpdateCommandInput) => ({
  ...input,
  Key: toAttributes(input.Key!),
  ...values(input),
});
const queryInput = (input: QueryCommandInput) => ({
  ...input,
  ...values(input),
  ...(input.ExclusiveStartKey ? { ExclusiveStartKey: toAttributes(input.ExclusiveStartKey) } : {}),
});

function queryPage(answer: { Items?: Attributes[]; LastEvaluatedKey?: Attributes }): QueryPage {
  const lastEvaluatedKey = toItem(answer.LastEvaluatedKey);
  return {
    items: (answer.Items ?? []).map((item) => unmarshall(item)),
    ...(lastEvaluatedKey ? { lastEvaluatedKey } : {}),
  };
}

/** Through the SDK's DynamoDB client (or a document client, which shares its client's stack). */
export function sdkItemRequests(client: DynamoDBClient): ItemRequests {
  return {
    getItem: async (input) => toItem((await client.send(new GetItemCommand(getInput(input)))).Item),
    putItem: async (input) => void (await client.send(new PutItemCommand(putInput(input)))),
    updateItem: async (input) =>
      toItem((await client.send(new UpdateItemCommand(updateInput(input)))).Attributes),
    queryItems: async (input) => queryPage(await client.send(new QueryCommand(queryInput(input)))),
  };
}

/**
 * Through the wire client. Its JSON is the SDK's for these items: they hold strings, numbers,
 * booleans, nulls, lists and maps, never binary values (which JSON would not carry as the SDK does).
 */
export function wireItemRequests(wire: DynamoWireClient): ItemRequests {
  return {
    getItem: async (input) => toItem((await wire.send('GetItem', getInput(input))).Item as Attributes),
    putItem: async (input) => void (await wire.send('PutItem', putInput(input))),
    updateItem: async (input) =>
      toItem((await wire.send('UpdateItem', updateInput(input))).Attributes as Attributes),
    queryItems: async (input) => queryPage(await wire.send('Query', queryInput(input))),
  };
}
