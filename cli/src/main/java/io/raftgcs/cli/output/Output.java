package io.raftgcs.cli.output;

import java.util.List;

/**
 * One command result in both renderings: {@code human} for {@code -o table}, {@code json} for
 * {@code -o json}. The JSON value is a tree of Map (insertion ordered), List, String, Number,
 * Boolean, null, byte[] (base64) and protobuf Message (canonical JSON).
 */
public record Output(Human human, Object json) {

  /** What table mode prints. */
  public sealed interface Human permits Table, Raw {}

  /**
   * Aligned columns; an empty header prints the rows only (e.g. one key per line).
   */
  public record Table(List<String> header, List<List<String>> rows) implements Human {
    public static Table lines(List<String> lines) {
      return new Table(List.of(), lines.stream().map(List::of).toList());
    }
  }

  /** Bytes written as they are, followed by a newline. */
  public record Raw(byte[] bytes) implements Human {}

  public static Output of(String line, Object json) {
    return new Output(Table.lines(List.of(line)), json);
  }
}
