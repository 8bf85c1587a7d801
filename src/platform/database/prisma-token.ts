/** The Prisma client, opened (and migrated) before the application is built; repositories inject it. */
export const PRISMA = Symbol('PRISMA');
