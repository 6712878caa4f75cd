package io.raftgcs.client;

import java.nio.charset.StandardCharsets;

/** One key and its value, as returned by a multi-get. The arrays are not copied. */
public record KeyValue(byte[] key, byte[] value) {
  public String keyUtf8() {
    return new String(key, StandardCharsets.UTF_8);
  }

  public String valueUtf8() {
    return new String(value, StandardCharsets.UTF_8);
  }
}
