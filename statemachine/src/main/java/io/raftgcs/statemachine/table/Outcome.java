package io.raftgcs.statemachine.table;

import io.raftgcs.proto.ResultCode;

/** A table operation's reply, or the rule it broke (nothing is written when it fails). */
public record Outcome<T>(ResultCode code, String message, T reply) {
  public static <T> Outcome<T> ok(T reply) {
    return new Outcome<>(ResultCode.OK, "", reply);
  }

  public static <T> Outcome<T> fail(ResultCode code, String message) {
    return new Outcome<>(code, message, null);
  }

  public boolean isOk() {
    return code == ResultCode.OK;
  }
}
