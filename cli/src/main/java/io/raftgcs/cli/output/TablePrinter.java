package io.raftgcs.cli.output;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Aligned columns separated by two spaces; the last column is not padded. */
public final class TablePrinter implements Printer {
  private final PrintStream out;

  public TablePrinter(PrintStream out) {
    this.out = out;
  }

  @Override
  public void print(Output output) {
    if (output.human() instanceof Output.Raw raw) {
      out.write(raw.bytes(), 0, raw.bytes().length);
      out.println();
    } else if (output.human() instanceof Output.Table t) {
      printTable(t);
    }
    out.flush();
  }

  private void printTable(Output.Table t) {
    List<List<String>> all = new ArrayList<>();
    if (!t.header().isEmpty()) {
      all.add(t.header());
    }
    all.addAll(t.rows());
    int cols = all.stream().mapToInt(List::size).max().orElse(0);
    int[] width = new int[cols];
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    for (List<String> row : all) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        if (i > 0) {
          sb.append("  ");
        }
        String cell = row.get(i);
        sb.append(cell);
        if (i < row.size() - 1) {
          sb.append(" ".repeat(width[i] - cell.length()));
        }
      }
      out.println(sb);
    }
  }
}
