import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';

export type LabelRow = Awaited<ReturnType<PrismaClient['label']['findUniqueOrThrow']>>;
export type LabelAssociationRow = Awaited<ReturnType<PrismaClient['labelAssociation']['findUniqueOrThrow']>>;

/** What a label is put on: a chat, or a message of a chat by WhatsApp's id. */
export interface LabelTarget {
  chatJid: string;
  waMessageId?: string;
}

@Injectable()
export class LabelsRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  list(channelId: string): Promise<LabelRow[]> {
    return this.prisma.label.findMany({ where: { channelId } });
  }

  find(channelId: string, id: string): Promise<LabelRow | null> {
    return this.prisma.label.findUnique({ where: { channelId_id: { channelId, id } } });
  }

  /** Every id a label ever had on the channel that is still known, to choose the next one. */
  async ids(channelId: string): Promise<string[]> {
    const [labels, associated] = await Promise.all([
      this.prisma.label.findMany({ where: { channelId }, select: { id: true } }),
      this.prisma.labelAssociation.findMany({ where: { channelId }, select: { labelId: true }, distinct: ['labelId'] }),
    ]);
    return [...labels.map((l) => l.id), ...associated.map((a) => a.labelId)];
  }

  /** One statement (INSERT … ON CONFLICT): the API's change and its echo from WhatsApp may race. */
  async upsert(channelId: string, customerId: string, label: { id: string; name: string; color: number }): Promise<LabelRow> {
    const { id, name, color } = label;
    await this.prisma.$executeRaw`
      INSERT INTO labels (channel_id, id, customer_id, name, color, updated_at)
      VALUES (${channelId}::uuid, ${id}, ${customerId}, ${name}, ${color}, now())
      ON CONFLICT (channel_id, id) DO UPDATE SET name = EXCLUDED.name, color = EXCLUDED.color, updated_at = now()`;
    return this.prisma.label.findUniqueOrThrow({ where: { channelId_id: { channelId, id } } });
  }

  /** A deleted label goes, and so does what carried it. */
  async remove(channelId: string, id: string): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.labelAssociation.deleteMany({ where: { channelId, labelId: id } }),
      this.prisma.label.deleteMany({ where: { channelId, id } }),
    ]);
  }

  associations(channelId: string, labelId?: string): Promise<LabelAssociationRow[]> {
    return this.prisma.labelAssociation.findMany({
      where: { channelId, ...(labelId !== undefined ? { labelId } : {}) },
      orderBy: [{ chatJid: 'asc' }, { waMessageId: 'asc' }],
    });
  }

  async associate(channelId: string, labelId: string, target: LabelTarget, labeled: boolean): Promise<void> {
    const key = { channelId, labelId, chatJid: target.chatJid, waMessageId: target.waMessageId ?? '' };
    if (labeled) {
      // the API's change and its echo from WhatsApp (Baileys reports a device's own patches too) may race
      await this.prisma.labelAssociation.createMany({ data: [key], skipDuplicates: true });
    } else {
      await this.prisma.labelAssociation.deleteMany({ where: key });
    }
  }
}
