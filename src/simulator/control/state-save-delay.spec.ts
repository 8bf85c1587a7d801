import { stateSaveDelay } from './simulator';

describe(stateSaveDelay.name, () => {
  it('waits the base delay while snapshots are cheap, and nine times the last encoding once they are not', () => {
    expect([stateSaveDelay(250, 0), stateSaveDelay(250, 27), stateSaveDelay(250, 200), stateSaveDelay(1_000, 50)]).toEqual([
      250, 250, 1_800, 1_000,
    ]);
  });
});
