// A campaign's pace and cap across instances: one item per campaign (`<id>#pacer` in the campaigns
// table) holding the next start time and the call slots. Taking a slot moves the start time in the
// same conditional update, so two instances never start a call in the same pace step, and a cap of
// N slots is never exceeded: a slot is freed by its own attempt, or reused once its holder's time
// (which the call cannot outlive: Twilio ends it at the agent's limit) has run out.
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Pacer, PacerStore, SlotHolder } from '../../ports/campaign-store.js';
import { guard, isConditionalFailure } from './errors.js';
import { ExpressionBuilder } from './expressions.js';
import { putIfAbsent } from './put-if-absent.js';

const pacerKey = (campaignId: string) => ({ campaign_id: `${campaignId}#pacer` });

export class DynamoPacerStore implements PacerStore {
  constructor(private readonly options: { doc: DynamoDBDocumentClient; table: string }) {}

  async ensurePacer(campaignId: string): Promise<void> {
    const { doc, table } = this.options;
    const item = { ...pacerKey(campaignId), next_slot_ms: 0, slots: {} };
    await putIfAbsent(doc, table, item, 'campaign_id', 'pacer.create');
  }

  async getPacer(campaignId: string): Promise<Pacer> {
    const { doc, table } = this.options;
    const result = await guard('pacer.get', () =>
      doc.send(new GetCommand({ TableName: table, Key: pacerKey(campaignId), ConsistentRead: true })),
    );
    const item = result.Item as Partial<Pacer> | undefined;
    return { next_slot_ms: item?.next_slot_ms ?? 0, slots: item?.slots ?? {} };
  }

  async takeSlot(
    campaignId: string,
    seen: Pacer,
    slot: number,
    holder: SlotHolder,
    nextSlotMs: number,
    nowMs: number,
  ): Promise<Pacer | undefined> {
    const { doc, table } = this.options;
    const e = new ExpressionBuilder();
    const next = e.name('next_slot_ms');
    const held = `${e.name('slots')}.${e.name(String(slot))}`;
    try {
      const result = await guard('pacer.take', () =>
        doc.send(
          new UpdateCommand({
            TableName: table,
            Key: pacerKey(campaignId),
            UpdateExpression: `SET ${next} = ${e.value(nextSlotMs)}, ${held} = ${e.value(holder)}`,
            ConditionExpression:
              `${next} = ${e.value(seen.next_slot_ms)} AND ` +
              `(attribute_not_exists(${held}) OR ${held}.${e.name('until_ms')} < ${e.value(nowMs)})`,
            ...e.attributes(),
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      const item = result.Attributes as Pacer;
      return { next_slot_ms: item.next_slot_ms, slots: item.slots ?? {} };
    } catch (error) {
      if (isConditionalFailure((error as { cause?: unknown }).cause)) return undefined;
      throw error;
    }
  }

  async releaseSlot(
    campaignId: string,
    slot: number,
    holder: Pick<SlotHolder, 'contact_key' | 'attempt'>,
  ): Promise<boolean> {
    const { doc, table } = this.options;
    const e = new ExpressionBuilder();
    const held = `${e.name('slots')}.${e.name(String(slot))}`;
    try {
      await guard('pacer.release', () =>
        doc.send(
          new UpdateCommand({
            TableName: table,
            Key: pacerKey(campaignId),
            UpdateExpression: `REMOVE ${held}`,
            ConditionExpression:
              `${held}.${e.name('contact_key')} = ${e.value(holder.contact_key)} AND ` +
              `${held}.${e.name('attempt')} = ${e.value(holder.attempt)}`,
            ...e.attributes(),
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionalFailure((error as { cause?: unknown }).cause)) return false;
      throw error;
    }
  }
}
