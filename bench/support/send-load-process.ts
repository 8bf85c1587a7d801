/** The process of `startSendLoad`: ready once loaded, then a run of posts each time one is asked for. */
import { postMessages, type SendLoadRun } from './send-load';

const send = (message: unknown) => process.send!(message);
process.on('message', (run: SendLoadRun) => {
  postMessages(run).then(
    () => send({ accepted: true }),
    (error: Error) => send({ failed: error.stack ?? error.message }),
  );
});
send({ ready: true });
