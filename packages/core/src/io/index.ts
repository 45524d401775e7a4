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
} from "./atomicFile.js";
export { writeDirAtomic, writeDirAtomicSync, type WriteDirOptions } from "./atomicDir.js";
export { removeStaleTemps, removeStaleTempsSync, tempNameFor } from "./staleTemps.js";
