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

  upsert(channelId: string, customerId: string, label: { id: string; name: string; color: number }): Promise<LabelRow> {
    const { id, name, color } = label;
    return this.prisma.label.upsert({
      where: { channelId_id: { channelId, id } },
      create: { channelId, customerId, id, name, color },
      update: { name, color },
    });
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
      await this.prisma.labelAssociation.upsert({ where: { channelId_labelId_chatJid_waMessageId: key }, create: key, update: {} });
    } else {
      await this.prisma.labelAssociation.deleteMany({ where: key });
    }
  }
}
