import { provideTestServices, TestServices } from './support/test-services';

declare global {
  // Read by the global teardown, which Jest runs in the same process.
  var whatisupTestServices: TestServices | undefined;
}

/** Once per Jest run, before any worker starts: PostgreSQL and Redis for the integration tests. */
export default async function globalSetup(): Promise<void> {
  globalThis.whatisupTestServices = await provideTestServices();
}
