package io.raftgcs.cli.kv;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Keys and values in JSON output: UTF-8 strings when valid, else base64 with a marker. */
public final class Bytes {
  private Bytes() {}

  public static boolean isUtf8(byte[] b) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** {"key":..,"value":..}, plus "encoding":"base64" (both fields base64) if either is binary. */
  public static Map<String, Object> keyValue(byte[] key, byte[] value) {
    boolean text = isUtf8(key) && isUtf8(value);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", text ? utf8(key) : Base64.getEncoder().encodeToString(key));
    m.put("value", text ? utf8(value) : Base64.getEncoder().encodeToString(value));
    if (!text) {
      m.put("encoding", "base64");
    }
    return m;
  }

  public static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
