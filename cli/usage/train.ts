/** `incc train`'s usage: name, summary, options and help (cli/commands/train.ts runs it). */
import { commandUsage } from '../command.js';

export const trainUsage = commandUsage({
  name: 'train',
  summary: "train a network with TensorFlow.js and the paper's recipe; checkpoints, metrics, --resume",
  options: {
    string: 'data epochs out seed batch-size steps-per-epoch log-every tensorboard backend network init freeze',
    multiple: 'set rules',
    boolean: 'resume force augment',
  },
  help: `Usage: incc train FILE --data DIR|synthetic[:N] [--epochs N] [--out DIR] [--resume] [options]

Trains one network of FILE with TensorFlow.js, using its train { ... } section over
the paper's recipe (RMSProp decay 0.9 epsilon 1.0 momentum 0.9, lr 0.045 x0.94 every
2 epochs, label smoothing 0.1, gradient clipping 2.0 by global norm, aux loss x0.4,
batch size 32). Progress goes to stderr; with --out, each epoch writes a checkpoint
(model.json + weight shards, loadable by stock tfjs; train-state.json + .bin for
--resume) and a line of metrics.jsonl. Ctrl-C stops after saving the current state.

Options:
  --data DIR|synthetic   a folder with one subfolder of PNG/JPEG images per class, or
                         synthetic[:N]: N generated images (default 1024) of shapes
  --epochs N             train until N epochs are done in all (a resumed run counts
                         the epochs before it)
  --out DIR              checkpoints and metrics.jsonl
  --resume               continue from the checkpoint in --out (epoch, step, schedule,
                         optimizer state); every file of it is checked first
  --force                start over in an --out that holds a checkpoint (replacing it
                         when the first epoch ends), or write into a folder that holds
                         files incc did not write (they are left alone)
  --seed N               data split and shuffling, initial weights (default: the
                         network's seed, else 1)
  --batch-size N         override the network's batch_size
  --steps-per-epoch N    at most N steps an epoch (quick runs)
  --log-every N          a line of steps.jsonl in --out every N steps (default 10; 0 off)
  --tensorboard DIR      TensorBoard event files (tensorflow backend): step/loss,
                         step/accuracy, step/lr, step/grad_norm, epoch/val_accuracy, ...
  --augment              random crop (8-100% of the area, aspect 3/4 to 4/3) and
                         horizontal flip of the training images, from the seed
  --backend NAME         auto (default), tensorflow, cpu or wasm
  --network NAME         the network to train (needed when FILE declares several)
  --set NAME=VALUE       set a network parameter (an .incp expression)
  --rules RULE           apply a rule after the file's own (repeatable)
  --init PATH            start from these weights (a tfjs checkpoint's model.json, or a
                         .safetensors file with model.py's keys: what incc weights
                         import, incc train and train.py write); a classifier of another
                         size (--set classes=4) is re-initialised, the rest kept, and the
                         run says which layers were kept and which re-initialised
  --freeze NODE|PATTERN  train only what follows NODE (a layer or block instance such as
                         mixed7, and everything before it, stays as it starts, its batch
                         norms in inference mode), or freeze the nodes matching a
                         pattern with * and ?

Backends: @tensorflow/tfjs-node-gpu, then @tensorflow/tfjs-node, when installed next to
incc (npm install @tensorflow/tfjs-node; TFJS_NODE_BASE_URI or TFJS_NODE_CDN_STORAGE
point its download at a mirror; scripts/tfjs-node-from-wheel.sh builds it from the
tensorflow-cpu wheel where the download is blocked); else the pure-JS wasm backend (or
cpu). One that is installed but does not load is named, with its error.

Exit codes: 0 done, 1 errors in the file or the data, a damaged checkpoint, or a
loss or weight that became NaN or infinite (the checkpoint on disk is then the last
finite one), 2 usage error, unreadable file or an --out that cannot be written,
130 stopped by Ctrl-C (after saving).`,
});
