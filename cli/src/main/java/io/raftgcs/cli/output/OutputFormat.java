package io.raftgcs.cli.output;

/** Values of {@code -o/--output}. */
public enum OutputFormat {
  table,
  json
}
