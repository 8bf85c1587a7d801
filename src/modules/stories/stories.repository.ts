import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, PrismaClient } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';
import { clientOf, Transaction } from '../../platform/database/transactions';

export type StoryRow = Awaited<ReturnType<PrismaClient['story']['findUniqueOrThrow']>>;
export type StoryViewRow = Awaited<ReturnType<PrismaClient['storyView']['findUniqueOrThrow']>>;

/** The stories a channel posted (what the message store lacks: audience, revoke) and their views. */
@Injectable()
export class StoriesRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async insert(tx: Transaction, data: Prisma.StoryUncheckedCreateInput): Promise<StoryRow> {
    return clientOf(tx).story.create({ data });
  }

  find(id: string): Promise<StoryRow | null> {
    return this.prisma.story.findUnique({ where: { id } });
  }

  findByWaId(channelId: string, waMessageId: string): Promise<StoryRow | null> {
    return this.prisma.story.findUnique({ where: { channelId_waMessageId: { channelId, waMessageId } } });
  }

  /** Stories shown now: posted since `since`, not revoked; newest first, before the cursor's id. */
  listShown(channelId: string, since: Date, before: string | undefined, take: number): Promise<StoryRow[]> {
    return this.prisma.story.findMany({
      where: { channelId, postedAt: { gte: since }, revokedAt: null, ...(before ? { id: { lt: before } } : {}) },
      orderBy: { id: 'desc' },
      take,
    });
  }

  async setPostedAt(id: string, postedAt: Date): Promise<void> {
    await this.prisma.story.updateMany({ where: { id }, data: { postedAt } });
  }

  async markRevoked(id: string, at: Date): Promise<void> {
    await this.prisma.story.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
  }

  /** A story whose send failed is not one: its history row says why. */
  async remove(id: string): Promise<void> {
    await this.prisma.story.deleteMany({ where: { id } });
  }

  /** Records a view once per viewer: the row when new, null when the viewer had viewed it already. */
  async insertViewIfNew(tx: Transaction, data: Prisma.StoryViewUncheckedCreateInput): Promise<StoryViewRow | null> {
    const [row] = await clientOf(tx).storyView.createManyAndReturn({ data: [data], skipDuplicates: true });
    return row ?? null;
  }

  /** The views of each story, earliest first. */
  async viewsOf(storyIds: string[]): Promise<Map<string, StoryViewRow[]>> {
    const rows = storyIds.length
      ? await this.prisma.storyView.findMany({ where: { storyId: { in: storyIds } }, orderBy: [{ viewedAt: 'asc' }, { viewerJid: 'asc' }] })
      : [];
    const byStory = new Map<string, StoryViewRow[]>(storyIds.map((id) => [id, []]));
    for (const row of rows) byStory.get(row.storyId)?.push(row);
    return byStory;
  }
}
