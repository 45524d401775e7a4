// Atomic writes (temp + fsync + rename) of files and folders.
export {
  tempPathFor,
  fsyncFile,
  writeFileFlushed,
  writeFileFlushedSync,
  replaceFileAtomic,
  writeFileAtomic,
  writeFileAtomicSync,
  copyFileAtomic,
} from "./atomic-file.js";
export { writeDirAtomic, writeDirAtomicSync, type WriteDirOptions } from "./atomic-dir.js";
export { processAlive, removeStaleTemps, removeStaleTempsSync, tempNameFor } from "./stale-temps.js";
