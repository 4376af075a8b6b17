/** `incc compile`'s usage: name, summary, options and help (cli/commands/compile.ts runs it). */
import { commandUsage } from '../command.js';

export const compileUsage = commandUsage({
  name: 'compile',
  summary: 'lower a network to TensorFlow.js (model.json + weights, optionally model.ts), ONNX or PyTorch',
  options: {
    string: 'target out seed network names layout weights optimize quantize calibrate calibration-size activations',
    multiple: 'set rules',
    boolean: 'force emit-ts no-fold-bn',
  },
  help: `Usage: incc compile FILE --target tfjs --out DIR [--seed N | --weights PATH] [--emit-ts]
                    [--names tfjs|keras]
       incc compile FILE --target onnx --out FILE.onnx [--seed N | --weights PATH]
                    [--no-fold-bn] [--layout nchw|nhwc] [--optimize none|default|all|LIST]
                    [--quantize int8 [--calibrate DIR] [--calibration-size N]
                     [--activations uint8|int8]]
       incc compile FILE --target pytorch --out DIR [--seed N | --weights PATH]
  common options: [--network NAME] [--set NAME=VALUE]... [--rules RULE]... [--force]

Elaborates one network of FILE, applies its rules, and writes it for a target.
The output appears complete or not at all.

  --target tfjs      DIR/model.json (tfjs layers format: modelTopology +
                     weightsManifest) and its weight shards (group1-shard*.bin,
                     4 MiB each). Stock @tensorflow/tfjs loads it with
                     tf.loadLayersModel(tf.io.fromMemory(...)); with
                     @tensorflow/tfjs-node: tf.loadLayersModel('file://DIR/model.json')
  --target onnx      an ONNX model (opset 13) for inference
  --target pytorch   DIR/model.py (a torch.nn.Module), train.py (the network's
                     recipe; torchrun, DDP), weights.safetensors, requirements.txt
                     and README.md (spec/pytorch.md)

Options:
  --out PATH         where to write (tfjs, pytorch: a folder; onnx: a file). An
                     existing one is replaced only if incc wrote it (a folder
                     holding nothing but an earlier compile's files, an ONNX
                     file incc wrote); a symbolic link is written through
  --force            replace --out even if incc did not write it
  --seed N           seed of the initial weights (default 0): the same file,
                     arguments and seed give byte-identical output
  --emit-ts          tfjs: also DIR/model.ts, a TypeScript module that builds the
                     same model with tf.layers
  --names keras      tfjs: layer names without '/' (mixed0_branch1x1_bn), which
                     Keras 3 accepts when it rebuilds the model from model.json
                     (default tfjs: mixed0/branch1x1/bn)
  --weights PATH     weights (instead of --seed's) from a tfjs checkpoint (model.json)
                     or a safetensors file with model.py's keys (train.py's output)
  --no-fold-bn       onnx: keep BatchNormalization nodes
  --layout L         onnx: nchw (default) or nhwc input
  --optimize O       onnx: graph optimizations: default (pool-conv, concat), none,
                     all, or a comma-separated list of pool-conv, horizontal,
                     concat and default (spec/onnx.md)
  --quantize int8    onnx: an int8 model in the QDQ format (per-channel int8
                     weights, per-tensor activations), calibrated by running
                     the float model in onnxruntime-node (which it needs)
  --calibrate DIR    onnx, with --quantize: calibrate on the images in DIR (as
                     incc train reads them); without it, on generated images
                     (the synthetic shapes of incc train, from --seed)
  --calibration-size N  how many calibration images (default 64)
  --activations T    onnx, with --quantize: uint8 (default) or int8 activations
  --network NAME     the network to compile (needed when FILE declares several)
  --set NAME=VALUE   set a network parameter (an .incp expression)
  --rules RULE       apply a rule after the file's own (repeatable)

Exit codes: 0 done, 1 errors in the file, 2 usage error, unreadable file or
output that cannot be written.`,
});
