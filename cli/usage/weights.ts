/** `incc weights`'s usage: name, summary, options and help (cli/commands/weights.ts runs it). */
import { commandUsage } from '../command.js';

const HELP = `Usage: incc weights import SOURCE --network FILE --out DIR|FILE.safetensors
                          [--network-name NAME] [--set NAME=VALUE]... [--rules RULE]...
                          [--force] [--list]

Reads the weights of another framework and maps them onto a network of FILE: by a
documented name mapping where every layer of SOURCE has one (torchvision's
Inception-v3, incc's own model.py keys), else by structure (creation order and
shapes). Every tensor of SOURCE is used and every weight of the network is set, or
the first layer that does not fit is an error and nothing is written.

SOURCE:
  FILE.safetensors   a PyTorch state dict (torchvision's names, incc's, or any in
                     creation order)
  FILE.onnx          an ONNX model's initializers, read through its graph (Conv,
                     BatchNormalization, Gemm, MatMul + Add; torch.onnx's and
                     tf2onnx's exports)
  FILE.keras         a Keras 3 model; FILE.weights.h5 its weights; FILE.h5 Keras's
                     legacy weights (keras.applications): by Keras's layer order

torchvision's Inception-v3 averages its branch pools counting the zero padding:
give std/inception_v3 --set count_include_pad=true (here and on later compile and
train commands). Where SOURCE's average pools and the network's differ, the weights
are written with a warning (weights-pool-padding) that names the fix.

Options:
  --network FILE     the .incp file of the network the weights are for
  --network-name N   the network to use (needed when FILE declares several)
  --set NAME=VALUE   set a network parameter (an .incp expression), e.g. aux_head=true
  --rules RULE       apply a rule after the file's own (repeatable), e.g. bn_gamma
  --out PATH         a folder: an incc tfjs checkpoint (model.json + shards, as
                     compile --target tfjs writes); FILE.safetensors: model.py's keys
  --force            replace --out even if incc did not write it
  --list             print each incc layer and the SOURCE layer it took

Exit codes: 0 written, 1 the weights do not fit the network (or the file is
malformed), or errors in FILE, 2 usage error, unreadable file or an --out that
cannot be written.`;

export const weightsUsage = commandUsage({
  name: 'weights',
  summary: 'import weights of another framework (a PyTorch state dict as safetensors, ONNX, Keras) for a network',
  options: { string: 'network network-name out', multiple: 'set rules', boolean: 'force list' },
  help: HELP,
});
