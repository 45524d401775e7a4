/**
 * Collections and the datasets registry: `resolveDataset("default" | "msmarco-passage" |
 * "beir/<name>" | "local:<dir>")`, the BEIR-layout `BeirCollection`, and the builder of the
 * embedded default collection (SpamAssassin ham threads). See docs/collections.md.
 */
export {
  resolveDataset,
  parseDatasetName,
  datasetCandidates,
  datasetFolder,
  datasetLookupHelp,
  type ResolveDatasetOptions,
  type DatasetName,
} from "./registry.js";
export { FilesCollection, type CollectionFiles, type SplitFiles } from "./files-collection.js";
export { BeirCollection, missingBeirFiles, sortSplits } from "./beir-collection.js";
export { openMsMarcoPassage, MSMARCO_OFFICIAL_SPLITS } from "./msmarco-collection.js";
export { findWorkspaceRoot, defaultDatasetsDir, extraDatasetRoots, DATASETS_DIR_ENV, DATASETS_DIR_HINT, DATASETS_DIR_SETTINGS, DATASETS_PATH_ENV } from "./paths.js";
export {
  BEIR_BASE_URL,
  BEIR_ZIP_MD5,
  MSMARCO_PASSAGE_DOWNLOADS,
  DownloadError,
  beirDownload,
  downloadVerified,
  downloadBeirDataset,
  downloadMsMarcoPassage,
  type DownloadSpec,
} from "./downloads.js";
export { extractZip, extractTarGz } from "./archives.js";
export { ensureDefaultCollection, buildDefaultCollectionInto, readDefaultStats } from "./default/ensure-default.js";
export { DEFAULT_BUILDER_VERSION, type DefaultStatsFile } from "./default/write-default.js";
export {
  buildDefaultCollection,
  threadQueryId,
  wordCount,
  MIN_THREAD_MESSAGES,
  type DefaultCollectionData,
  type DefaultCollectionStats,
  type QrelRow,
} from "./default/build-default.js";
export { normaliseSubject, threadKey } from "./default/subject.js";
export { cleanBody, type CleanBodyOptions } from "./default/clean-body.js";
export { htmlToText, decodeEntities } from "./default/html-to-text.js";
export { messageToPassage, MIN_PASSAGE_WORDS, type DropReason, type MailPassage, type MessageOutcome } from "./default/message-to-passage.js";
export { assignSplit, stableUnitHash, DEFAULT_SPLIT_RULE, type SplitRule } from "./default/split.js";
export { locateSource, readHamMessages, SOURCE_PACKAGE, HAM_GROUPS, type RawMessage, type SourceInfo } from "./default/source.js";
