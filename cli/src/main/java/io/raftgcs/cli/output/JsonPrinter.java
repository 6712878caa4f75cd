package io.raftgcs.cli.output;

import java.io.PrintStream;

/** One JSON document per result, on one line. */
public final class JsonPrinter implements Printer {
  private final PrintStream out;

  public JsonPrinter(PrintStream out) {
    this.out = out;
  }

  @Override
  public void print(Output output) {
    out.println(Json.write(output.json()));
    out.flush();
  }
}
