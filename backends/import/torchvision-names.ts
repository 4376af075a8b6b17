/**
 * torchvision's Inception-v3 module names -> the incc layers of std/inception_v3.incp (spec/weights-import.md,
 * "torchvision's names"; scripts/torchvision_inception_v3.py maps the same way for model.py's keys):
 *
 * - stages: `Conv2d_1a_3x3` .. `Conv2d_4a_3x3` -> `conv1` .. `conv5`, `Mixed_5b` .. `Mixed_7c` -> `mixed0` ..
 *   `mixed10`, `fc` -> `predictions`, `AuxLogits` -> the network's one aux head (`aux_logits`);
 * - branches: `branchX_K` -> `branchX/convK` (`branch5x5_1` -> `branch5x5/conv1`), `branch_pool` ->
 *   `branch_pool/conv1`, a branch of one conv keeps its name (`branch1x1`); in Mixed_7b/7c the split
 *   convolutions `3x3_2a`, `3x3_2b` are conv2, conv3 and `3x3dbl_3a`, `3x3dbl_3b` conv3, conv4;
 * - aux head: `conv0`, `conv1`, `fc` -> `conv1`, `conv2`, `logits`;
 * - within BasicConv2d: `.conv` is the conv layer, `.bn` its batch norm (`NODE/bn`).
 */
const STAGES: Record<string, string> = {
  Conv2d_1a_3x3: 'conv1',
  Conv2d_2a_3x3: 'conv2',
  Conv2d_2b_3x3: 'conv3',
  Conv2d_3b_1x1: 'conv4',
  Conv2d_4a_3x3: 'conv5',
  Mixed_5b: 'mixed0',
  Mixed_5c: 'mixed1',
  Mixed_5d: 'mixed2',
  Mixed_6a: 'mixed3',
  Mixed_6b: 'mixed4',
  Mixed_6c: 'mixed5',
  Mixed_6d: 'mixed6',
  Mixed_6e: 'mixed7',
  Mixed_7a: 'mixed8',
  Mixed_7b: 'mixed9',
  Mixed_7c: 'mixed10',
};

const SPLIT: Record<string, number> = { '2a': 2, '2b': 3, '3a': 3, '3b': 4 };
const AUX: Record<string, string> = { conv0: 'conv1', conv1: 'conv2' };

function branchName(branch: string): string {
  if (branch === 'branch_pool') return 'branch_pool/conv1';
  const m = /^(branch\w+?)_(\d|\d[ab])$/.exec(branch);
  if (!m) return branch;
  return `${m[1]}/conv${SPLIT[m[2]!] ?? Number(m[2])}`;
}

/** A module of torchvision's inception_v3 (`Mixed_5b.branch5x5_1.conv`) -> its incc layer, if it has one. */
export function torchvisionInceptionV3Name(module: string, auxHead: string | undefined): string | undefined {
  if (module === 'fc') return 'predictions';
  const parts = module.split('.');
  if (parts[0] === 'AuxLogits') {
    if (auxHead === undefined) return undefined;
    if (parts.length === 2 && parts[1] === 'fc') return `${auxHead}/logits`;
    const conv = Object.hasOwn(AUX, parts[1] ?? '') ? AUX[parts[1]!] : undefined;
    if (parts.length !== 3 || conv === undefined) return undefined;
    return parts[2] === 'conv' ? `${auxHead}/${conv}` : parts[2] === 'bn' ? `${auxHead}/${conv}/bn` : undefined;
  }
  const stage = Object.hasOwn(STAGES, parts[0]!) ? STAGES[parts[0]!] : undefined;
  if (stage === undefined) return undefined;
  const rest = parts.slice(1);
  let name = stage;
  if (parts[0]!.startsWith('Mixed')) {
    if (rest.length === 0) return undefined;
    name = `${stage}/${branchName(rest.shift()!)}`;
  }
  if (rest.length !== 1) return undefined;
  return rest[0] === 'conv' ? name : rest[0] === 'bn' ? `${name}/bn` : undefined;
}
