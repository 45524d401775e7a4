/**
 * Bad inputs of `i3 data build DATASET`: only `default` is built locally; options and arguments
 * are checked before any work starts.
 */
import { defineMatrix, type MatrixRow } from "./matrix.js";

const rows: MatrixRow[] = [
  { case: "a dataset that is downloaded, not built", args: ["data", "build", "beir/scifact", "--datasets-dir", "$/d"], exit: 2, output: 'only "default" is built locally; "beir/scifact" is placed or downloaded' },
  { case: "a misspelt dataset", args: ["data", "build", "defualt", "--datasets-dir", "$/d"], exit: 2, output: 'only "default" is built locally; "defualt"' },
  { case: "--force does not make an unknown dataset buildable", args: ["data", "build", "msmarco-passage", "--force", "--datasets-dir", "$/d"], exit: 2, output: 'only "default" is built locally' },
  { case: "missing dataset argument", args: ["data", "build"], exit: 2, output: "missing required argument 'dataset'" },
  { case: "two datasets", args: ["data", "build", "default", "beir/scifact"], exit: 2, output: "too many arguments for 'build'" },
  { case: "unknown option", args: ["data", "build", "default", "--fast"], exit: 2, output: "unknown option '--fast'" },
  { case: "--datasets-dir is a file", files: { d: "a file" }, args: ["data", "build", "default", "--datasets-dir", "$/d"], exit: 2, output: "--datasets-dir $/d: not a folder" },
  { case: "--datasets-dir without a value", args: ["data", "build", "default", "--datasets-dir"], exit: 2, output: "option '--datasets-dir <dir>' argument missing" },
  { case: "unknown data subcommand", args: ["data", "download", "default"], exit: 2, output: "unknown command 'download'" },
  { case: "--help documents the exit codes", args: ["data", "build", "--help"], exit: 0, output: "2 on a user error" },
];

defineMatrix("i3 data build: bad inputs", rows);
