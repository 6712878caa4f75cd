package io.raftgcs.proof;

/**
 * One client operation as recorded: invoked at {@code invokeNs}, completed at {@code completeNs}
 * (monotonic nanos since the run's start), with an outcome. Results:
 * GET: {@code value} is the read value (null = absent); PUT / PUT_IF_ABSENT: {@code flag} = key was
 * added (did not exist); DEL: {@code flag} = a key was deleted.
 */
public record Op(long id, int worker, Type type, String key, String value, long invokeNs, long completeNs,
    Outcome outcome, boolean flag, String error) {

  public enum Type { GET, PUT, PUT_IF_ABSENT, DEL }

  /** OK: acknowledged; FAIL: definitively not applied; UNKNOWN: may have been applied, at any time after invocation. */
  public enum Outcome { OK, FAIL, UNKNOWN }

  public boolean isWrite() {
    return type != Type.GET;
  }

  public static Op ok(long id, int worker, Type t, String key, String value, long inv, long comp, boolean flag) {
    return new Op(id, worker, t, key, value, inv, comp, Outcome.OK, flag, null);
  }

  public static Op fail(long id, int worker, Type t, String key, String value, long inv, long comp, String err) {
    return new Op(id, worker, t, key, value, inv, comp, Outcome.FAIL, false, err);
  }

  public static Op unknown(long id, int worker, Type t, String key, String value, long inv, String err) {
    return new Op(id, worker, t, key, value, inv, Long.MAX_VALUE, Outcome.UNKNOWN, false, err);
  }

  public String toJson() {
    return "{\"id\":" + id + ",\"worker\":" + worker + ",\"type\":\"" + type + "\",\"key\":" + Json.str(key)
        + ",\"value\":" + Json.str(value) + ",\"invoke_ns\":" + invokeNs + ",\"complete_ns\":"
        + (completeNs == Long.MAX_VALUE ? "null" : Long.toString(completeNs)) + ",\"outcome\":\"" + outcome
        + "\",\"flag\":" + flag + (error == null ? "" : ",\"error\":" + Json.str(error)) + "}";
  }

  @Override
  public String toString() {
    String res = switch (type) {
      case GET -> "-> " + (value == null ? "nil" : value);
      case PUT, PUT_IF_ABSENT -> value + (outcome == Outcome.OK ? " added=" + flag : "");
      case DEL -> outcome == Outcome.OK ? "deleted=" + flag : "";
    };
    return "#" + id + " w" + worker + " " + type + " " + key + " " + res + " " + outcome + " ["
        + invokeNs / 1_000_000 + "ms.." + (completeNs == Long.MAX_VALUE ? "inf" : completeNs / 1_000_000 + "ms") + "]";
  }
}
