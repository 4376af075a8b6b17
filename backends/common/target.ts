/**
 * A compile target: what `incc compile --target NAME` runs (cli/commands/compile.ts lists them, each
 * imported only when chosen). A target lowers a built graph and writes its output atomically; it reads no
 * source file and prints nothing: the CLI builds the graph, reads `--weights` through the backend that owns
 * the checkpoint format, hands both over, and prints what the target returns.
 *
 * To add a target: a module exporting a CompileTarget, a line in compile.ts's `targets`, and its options
 * (parseArgs form) in compile.ts's `options` and help.
 */
import type { Diagnostic } from '../../compiler/diagnostics/diagnostics.js';
import type { IRGraph } from '../../compiler/ir/ir.js';

export interface TargetRequest {
  /** The network after rules. */
  graph: IRGraph;
  /** --out: a file or a folder, as the target documents. */
  out: string;
  /** --seed (0 when not given): the initial weights of every variable without `weights`. */
  seed: number;
  /** The target's own options as parsed (`emit-ts`, `layout`, ...), by option name. */
  options: Record<string, string | boolean | undefined>;
  /** Weight values by variable name (backends/common/weights.ts), checked against the graph: --weights. */
  weights?: ReadonlyMap<string, Float32Array>;
  /** The file `weights` were read from (--weights), for the summary. */
  weightsFrom?: string;
  /** What `weights` are, for the output's metadata (`checkpoint out/model.json`, `safetensors w.safetensors`). */
  weightsSource?: string;
  /** Source text by a span's file name (for comments and doc strings that quote the source). */
  sourceOf?: (file: string) => string | undefined;
}

export type TargetResult =
  /** Written: `summary` is the one line the CLI prints on stdout (exit 0). */
  | { ok: true; summary: string }
  /** The network cannot be lowered to this target: the CLI prints the diagnostics with code frames (exit 1). */
  | { ok: false; diagnostics: Diagnostic[] }
  /** An option the target does not accept: the CLI prints it as a usage error (exit 2). */
  | { ok: false; usage: string }
  /** The output cannot be written: the CLI prints the message (exit 2). */
  | { ok: false; cannotWrite: string }
  /** An input the target reads (e.g. calibration images) cannot be read or does not fit: the CLI prints it (exit 2). */
  | { ok: false; cannotRead: string };

export interface CompileTarget {
  /** Whether the target takes trained weights (`--weights`); without, it writes initial ones from `seed`. */
  takesWeights: boolean;
  compile(request: TargetRequest): Promise<TargetResult>;
}
