/**
 * Per-step metrics: every `every` steps a record `{epoch, step, lr, loss, accuracy, grad_norm,
 * images_per_second, time}` (loss and accuracy of that step's batch) appended to OUT/steps.jsonl, and with
 * --tensorboard DIR (tensorflow backend: tfjs-node's summary writer) the same as TensorBoard scalars
 * `step/loss`, `step/accuracy`, `step/lr`, `step/grad_norm`, with each epoch's `epoch/loss`,
 * `epoch/accuracy`, `epoch/val_loss`, `epoch/val_accuracy` at its last step. metrics.jsonl keeps one line
 * per epoch (index.ts).
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StepRecord {
  epoch: number;
  step: number;
  lr: number;
  loss: number;
  accuracy: number;
  grad_norm: number;
  images_per_second: number;
  time: string;
}

/** tfjs-node's tf.node.summaryFileWriter(dir). */
export interface SummaryWriter {
  scalar(name: string, value: number, step: number): void;
  flush(): void;
}

export const STEPS_FILE = 'steps.jsonl';

export class StepLog {
  constructor(
    private readonly every: number,
    private readonly out: string | undefined,
    private readonly board: SummaryWriter | null,
  ) {}

  /** Called after every step; records every `every`-th. */
  step(r: StepRecord): void {
    if (this.every <= 0 || r.step % this.every !== 0) return;
    if (this.out) appendFileSync(join(this.out, STEPS_FILE), `${JSON.stringify(r)}\n`);
    if (this.board) {
      for (const key of ['loss', 'accuracy', 'lr', 'grad_norm', 'images_per_second'] as const)
        this.board.scalar(`step/${key}`, r[key], r.step);
      this.board.flush();
    }
  }

  /** Called at the end of each epoch. */
  epoch(m: {
    step: number;
    loss: number;
    accuracy: number;
    val_loss: number | null;
    val_accuracy: number | null;
  }): void {
    if (!this.board) return;
    for (const key of ['loss', 'accuracy', 'val_loss', 'val_accuracy'] as const) {
      const v = m[key];
      if (v !== null) this.board.scalar(`epoch/${key}`, v, m.step);
    }
    this.board.flush();
  }
}
