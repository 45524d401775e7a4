/** What both trainers do before their phases: backend, corpus, tokenizer, encoder config. */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { buildTokenLookup, passageText, saveTokenizer, type Collection, type I3Tokenizer, type Passage, type TokenIdLookup } from "@i3/data";
import { describeBackend, type BackendInfo, type Device, type EncoderConfig } from "@i3/encoders";
import { startBackend } from "./backend.js";
import { startEncoderConfig, startTokenizer, type StartSettings } from "./start.js";

/** The corpus, tokenizer and encoder config a trainer starts from. */
export interface PreparedTraining {
  backend: BackendInfo;
  passages: Passage[];
  corpusIds: string[];
  tokenizer: I3Tokenizer;
  config: EncoderConfig;
  /** Every passage's token ids (title and text, `model.passageMaxLength`). */
  passageTokens: TokenIdLookup;
}

/**
 * Starts the backend (`device`), reads the corpus, starts the tokenizer (`checkTokenizer` may
 * refuse it) and the encoder config, saves the tokenizer into `workDir/tokenizer/` and tokenizes
 * every passage.
 */
export async function prepareTraining(args: {
  collection: Collection;
  workDir: string;
  device: Device | undefined;
  settings: StartSettings;
  log: (message: string) => void;
  checkTokenizer?: (tokenizer: I3Tokenizer) => void;
}): Promise<PreparedTraining> {
  const { settings, log } = args;
  const backend = await startBackend(args.device);
  log(describeBackend(backend));
  const passages: Passage[] = [];
  for await (const p of args.collection.corpus()) passages.push(p);
  const corpusTexts = passages.map((p) => ({ id: p.id, text: passageText(p) }));
  const tokenizer = await startTokenizer(settings, () => corpusTexts.map((p) => p.text), log);
  args.checkTokenizer?.(tokenizer);
  const config = await startEncoderConfig(settings, tokenizer);
  await mkdir(args.workDir, { recursive: true });
  await saveTokenizer(tokenizer, join(args.workDir, "tokenizer"));
  const passageTokens = buildTokenLookup(tokenizer, corpusTexts, settings.model.passageMaxLength);
  return { backend, passages, corpusIds: passages.map((p) => p.id), tokenizer, config, passageTokens };
}
