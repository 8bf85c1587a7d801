/** The process of `startInboundLoad`: the webhook receiver, and a run of sends each time one is asked for. */
import { type InboundLoadRun, serveInboundLoad } from './inbound-load';

const send = (message: unknown) => process.send!(message);
void serveInboundLoad(send).then((run) => {
  process.on('message', (options: InboundLoadRun) => {
    run(options).catch((error: Error) => send({ failed: error.stack ?? error.message }));
  });
});
