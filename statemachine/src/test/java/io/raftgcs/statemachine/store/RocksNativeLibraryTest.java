package io.raftgcs.statemachine.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksNativeLibraryTest {
  @TempDir
  Path root;

  @Test
  void extractsOnceAndReusesTheCopy() throws Exception {
    Path dir = RocksNativeLibrary.extract(root);
    assertNotNull(dir, "rocksdbjni is a jar on the test classpath");
    Path lib = onlyFile(dir);
    long size = Files.size(lib);
    assertTrue(size > 1_000_000, "the library is megabytes, got " + size);

    FileTime old = FileTime.fromMillis(1_000_000L);
    Files.setLastModifiedTime(lib, old);
    assertEquals(dir, RocksNativeLibrary.extract(root));
    assertEquals(old, Files.getLastModifiedTime(lib), "a good copy is not written again");
  }

  @Test
  void replacesATruncatedCopy() throws Exception {
    Path dir = RocksNativeLibrary.extract(root);
    Path lib = onlyFile(dir);
    long size = Files.size(lib);
    Files.write(lib, new byte[] {1, 2, 3});
    RocksNativeLibrary.extract(root);
    assertEquals(size, Files.size(lib));
    assertEquals(List.of(lib), files(dir), "no partial copy is left behind");
  }

  @Test
  void replacesADamagedCopyOfTheRightSize() throws Exception {
    Path dir = RocksNativeLibrary.extract(root);
    Path lib = onlyFile(dir);
    byte[] good = Files.readAllBytes(lib);
    byte[] bad = good.clone();
    bad[bad.length / 2] ^= 1;
    Files.write(lib, bad);
    RocksNativeLibrary.extract(root);
    assertArrayEquals(good, Files.readAllBytes(lib));
  }

  @Test
  void theStoreLoadsTheLibraryFromTheCacheNotFromATempCopy() throws Exception {
    Path maps = Path.of("/proc/self/maps");
    assumeTrue(Files.isReadable(maps), "Linux only");
    RocksNativeLibrary.load();
    List<String> mapped = Files.readAllLines(maps).stream().filter(l -> l.contains("rocksdbjni")).toList();
    assertFalse(mapped.isEmpty(), "the library is mapped");
    String cache = RocksNativeLibrary.cacheRoot().toString();
    assertTrue(mapped.stream().allMatch(l -> l.contains(cache)), "mapped from " + cache + ": " + mapped.get(0));
  }

  private static Path onlyFile(Path dir) throws Exception {
    List<Path> all = files(dir);
    assertEquals(1, all.size(), all.toString());
    return all.get(0);
  }

  private static List<Path> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
