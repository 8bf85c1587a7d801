/** Stops the services the global setup started, if any, and removes their directory. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.whatisupTestServices?.stop();
  globalThis.whatisupTestServices = undefined;
}
