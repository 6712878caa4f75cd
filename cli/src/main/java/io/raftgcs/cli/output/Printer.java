package io.raftgcs.cli.output;

import java.io.PrintStream;

/** Renders command results on stdout, in the format chosen by {@code -o}. */
public interface Printer {
  void print(Output output);

  static Printer forFormat(OutputFormat format, PrintStream out) {
    return switch (format) {
      case table -> new TablePrinter(out);
      case json -> new JsonPrinter(out);
    };
  }
}
