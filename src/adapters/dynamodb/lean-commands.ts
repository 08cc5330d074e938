// The call turn's store requests (read the call and its recent turns, write the turn and the call),
// sent as the DynamoDB client's own commands rather than the document client's. A document command
// resolves two middleware stacks per request (its own, then the client's); these go through a client
// that resolves each command's stack once (createDynamoClients' `lean`) and marshal the way the
// document client is configured there. Measured on the embedded store, where both the client and
// dynalite run in the server: about 12% less CPU per turn's four requests.
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

type Item = Record<string, unknown>;
type Attributes = Record<string, AttributeValue>;

// The document client's marshallOptions in createDynamoClients.
const MARSHALL_OPTIONS = { removeUndefinedValues: true };

const toAttributes = (item: Item): Attributes => marshall(item, MARSHALL_OPTIONS);
const toItem = (attributes: Attributes | undefined): Item | undefined =>
  attributes ? unmarshall(attributes) : undefined;
const values = (input: { ExpressionAttributeValues?: Item }) =>
  input.ExpressionAttributeValues
    ? { ExpressionAttributeValues: toAttributes(input.ExpressionAttributeValues) }
    : {};

export async function getItem(client: DynamoDBClient, input: GetCommandInput): Promise<Item | undefined> {
  const result = await client.send(new GetItemCommand({ ...input, Key: toAttributes(input.Key!) }));
  return toItem(result.Item);
}

export async function putItem(client: DynamoDBClient, input: PutCommandInput): Promise<void> {
  await client.send(new PutItemCommand({ ...input, Item: toAttributes(input.Item!), ...values(input) }));
}

export async function updateItem(
  client: DynamoDBClient,
  input: UpdateCommandInput,
): Promise<Item | undefined> {
  const result = await client.send(
    new UpdateItemCommand({ ...input, Key: toAttributes(input.Key!), ...values(input) }),
  );
  return toItem(result.Attributes);
}

export async function queryItems(
  client: DynamoDBClient,
  input: QueryCommandInput,
): Promise<{ items: Item[]; lastEvaluatedKey?: Item }> {
  const result = await client.send(
    new QueryCommand({
      ...input,
      ...values(input),
      ...(input.ExclusiveStartKey ? { ExclusiveStartKey: toAttributes(input.ExclusiveStartKey) } : {}),
    }),
  );
  const lastEvaluatedKey = toItem(result.LastEvaluatedKey);
  return {
    items: (result.Items ?? []).map((item) => unmarshall(item)),
    ...(lastEvaluatedKey ? { lastEvaluatedKey } : {}),
  };
}
