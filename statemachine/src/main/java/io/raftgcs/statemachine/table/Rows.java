package io.raftgcs.statemachine.table;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;

/** Parsing stored rows: a row that does not parse means a corrupt store, never bad input. */
public final class Rows {
  private Rows() {}

  public static <T extends Message> T parse(Parser<T> parser, byte[] bytes) {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt row: " + e.getMessage(), e);
    }
  }
}
