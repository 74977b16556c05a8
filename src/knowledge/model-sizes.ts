/**
 * Model sizes for names that do not state them, or whose stated number misleads (mixture-of-experts
 * `8x7B`, natively quantised releases). Matched against the lower-cased last part of the model id.
 * Sources: the model cards on huggingface.co (parameter counts and released precision).
 */
export interface ModelSizeRow {
  match: RegExp;
  /** Total parameters, in billions. */
  paramsB: number;
  /** Bytes per parameter of the released weights, when not 2 (BF16). */
  bytesPerParam?: number;
  precision?: string;
}

export const MODEL_SIZES: readonly ModelSizeRow[] = [
  // openai/gpt-oss-20b and -120b: MoE weights in MXFP4 (about 13 GB and 63 GB on disk).
  { match: /^gpt-oss-20b($|[-_.])/, paramsB: 21, bytesPerParam: 0.62, precision: 'MXFP4' },
  { match: /^gpt-oss-120b($|[-_.])/, paramsB: 117, bytesPerParam: 0.54, precision: 'MXFP4' },
  // mistralai/Mixtral-8x7B (46.7B total) and 8x22B (141B total).
  { match: /^mixtral-8x7b($|[-_.])/, paramsB: 46.7 },
  { match: /^mixtral-8x22b($|[-_.])/, paramsB: 141 },
  // deepseek-ai/DeepSeek-V3, -R1 (671B, released in FP8).
  { match: /^deepseek-(v3|r1)(-0324|-0528)?$/, paramsB: 671, bytesPerParam: 1, precision: 'FP8' },
];
