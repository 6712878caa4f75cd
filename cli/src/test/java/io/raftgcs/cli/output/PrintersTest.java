package io.raftgcs.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raftgcs.proto.ResponseHeader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrintersTest {
  private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

  private String print(OutputFormat f, Output o) {
    Printer.forFormat(f, new PrintStream(buf, true, StandardCharsets.UTF_8)).print(o);
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void tableAlignsColumnsAndDoesNotPadTheLast() {
    Output o = new Output(new Output.Table(List.of("ID", "ENDPOINT", "X"),
        List.of(List.of("n1", "127.0.0.1:7001", "true"), List.of("node-2", "h:1", "false"))),
        null);
    assertEquals("ID      ENDPOINT        X\n"
        + "n1      127.0.0.1:7001  true\n"
        + "node-2  h:1             false\n", print(OutputFormat.table, o));
  }

  @Test
  void rawWritesBytesThenNewline() {
    byte[] v = {(byte) 0xff, 'a'};
    print(OutputFormat.table, new Output(new Output.Raw(v), null));
    assertEquals(List.of((byte) 0xff, (byte) 'a', (byte) '\n'),
        toList(buf.toByteArray()));
  }

  @Test
  void jsonTreeWithProtoMessages() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("s", "a\"b\\c\n\u0001");
    m.put("n", 42L);
    m.put("b", true);
    m.put("nil", null);
    m.put("list", Arrays.asList(1, "x"));
    m.put("bytes", new byte[] {1, 2, 3});
    m.put("header", ResponseHeader.newBuilder().setRevision(7).setMemberId("n1").build());
    assertEquals("{\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"n\":42,\"b\":true,\"nil\":null,"
        + "\"list\":[1,\"x\"],\"bytes\":\"AQID\","
        + "\"header\":{\"revision\":\"7\",\"member_id\":\"n1\"}}\n",
        print(OutputFormat.json, new Output(null, m)));
  }

  private static List<Byte> toList(byte[] b) {
    List<Byte> l = new ArrayList<>();
    for (byte x : b) {
      l.add(x);
    }
    return l;
  }
}
