/**
 * Every lint rule, once, in the order their findings are listed for a node. A test checks that this list,
 * the files in compiler/lint/rules/ and the pages in spec/lint/ are the same set.
 */
import type { LintRule } from './rule.js';
import representationalBottleneck from '../rules/representational-bottleneck.js';
import missingDimensionReduction from '../rules/missing-dimension-reduction.js';
import widthDepthBalance from '../rules/width-depth-balance.js';
import largeUnfactorizedKernel from '../rules/large-unfactorized-kernel.js';
import costlyGridReduction from '../rules/costly-grid-reduction.js';
import asymmetricGridRange from '../rules/asymmetric-grid-range.js';
import auxiliaryClassifier from '../rules/auxiliary-classifier.js';
import coarseGridExpansion from '../rules/coarse-grid-expansion.js';
import trainingRecipe from '../rules/training-recipe.js';

export const lintRules: LintRule[] = [
  representationalBottleneck,
  missingDimensionReduction,
  widthDepthBalance,
  largeUnfactorizedKernel,
  costlyGridReduction,
  asymmetricGridRange,
  auxiliaryClassifier,
  coarseGridExpansion,
  trainingRecipe,
];

export function findRule(id: string): LintRule | undefined {
  return lintRules.find((r) => r.id === id);
}
