/** The process of `pacedLoadFromOwnProcess`: one paced load, its options in, its figures out. */
import { pacedLoad, type PacedLoadOptions } from './paced-load';

process.once('message', (options: PacedLoadOptions) => {
  void pacedLoad(options).then((figures) => process.send!(figures, () => process.exit(0)));
});
