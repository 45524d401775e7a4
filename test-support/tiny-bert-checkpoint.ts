/**
 * Fixtures the packages' and the app's tests share: a tiny Hugging Face BERT checkpoint written
 * by the toolkit itself (no pretrained weights can be fetched here), and the message of a promise
 * that must reject.
 */
import { join } from "node:path";
import { passageText, saveTokenizer, trainWordPiece, type Collection, type I3Tokenizer } from "@i3/data";
import { BertEncoder, encoderConfig, initBackend, saveBertEncoder } from "@i3/encoders";

/**
 * Writes `<dir>/bert`: a 1-layer, 16-wide `BertEncoder` (seed 99, init range 0.2, 24 positions)
 * saved with `saveBertEncoder` (config.json, model.safetensors) and a WordPiece tokenizer of
 * `vocabSize` trained on `collection`'s passages, saved beside it with `saveTokenizer`. Starts
 * the wasm backend. Returns the folder and the tokenizer.
 */
export async function writeTinyBertCheckpoint(dir: string, collection: Collection, vocabSize: number): Promise<{ ckpt: string; tokenizer: I3Tokenizer }> {
  const texts: string[] = [];
  for await (const p of collection.corpus()) texts.push(passageText(p));
  const tokenizer = await trainWordPiece(texts, { vocabSize });
  await initBackend({ device: "wasm" });
  const config = encoderConfig({ vocabSize: tokenizer.vocabSize, hidden: 16, layers: 1, heads: 2, intermediate: 32, maxPositions: 24, initializerRange: 0.2 });
  const encoder = new BertEncoder(config, { seed: 99 });
  const ckpt = join(dir, "bert");
  try {
    await saveBertEncoder(ckpt, encoder);
    await saveTokenizer(tokenizer, ckpt);
  } finally {
    encoder.dispose();
  }
  return { ckpt, tokenizer };
}

/** The error message of a promise that must reject (throws when it resolves). */
export async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a failure");
}
