package io.raftgcs.statemachine.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads RocksDB's native library from one file per library build in the user's cache directory
 * ({@code $XDG_CACHE_HOME/raftgcs}, else {@code ~/.cache/raftgcs}), written once and reused by every JVM.
 *
 * <p>Why: RocksDB's own loader copies its 15 MB library out of the jar into a new temp file
 * ({@code /tmp/librocksdbjni<random>.so}) in every JVM, and deletes it only when the JVM exits normally.
 * A replica killed with {@code kill -9}, by the OOM killer or by a crash leaves its copy behind; a day of
 * tests and benchmarks left 140 of them (2.1 GB) in {@code /tmp} on one machine.
 *
 * <p>The directory is named after the jar entry's CRC-32 and size, so a different RocksDB build gets a
 * directory of its own. A copy is written to a temp file in that directory, checked against the entry's
 * CRC-32 and moved into place atomically, so JVMs starting together never load a half-written file; at
 * each start the existing copy's CRC-32 is checked again, and a damaged one is written anew. It
 * lives under the user's home, not in the world-writable {@code /tmp}, so another user cannot plant a
 * library there. If anything fails (no jar, a read-only home), RocksDB's own loader runs, as before.
 *
 * <p>Threads: called once, from {@link GcsStore}'s class initialiser. No replicated state.
 */
final class RocksNativeLibrary {
  private static final Logger LOG = LoggerFactory.getLogger(RocksNativeLibrary.class);
  /** The name RocksDB's jar stores its library under. */
  private static final String RESOURCE = Environment.getJniLibraryFileName("rocksdb");
  /** The file name {@link RocksDB#loadLibrary(List)} looks for in a directory (RocksJava names it so). */
  private static final String FILE_NAME = Environment.getJniLibraryFileName("rocksdbjni");

  private RocksNativeLibrary() {}

  static void load() {
    try {
      Path root = cacheRoot();
      // Java sets user.home to "?" when it cannot tell; a relative XDG_CACHE_HOME is invalid by its spec.
      Path dir = root.isAbsolute() ? extract(root) : null;
      if (dir != null) {
        RocksDB.loadLibrary(List.of(dir.toString()));
        return;
      }
    } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
      LOG.warn("could not load RocksDB's library from the cache directory ({}); extracting it to a temp file",
          e.toString());
    }
    RocksDB.loadLibrary();
  }

  static Path cacheRoot() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
        : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("raftgcs");
  }

  /**
   * Makes sure {@code root/rocksdbjni-<crc>-<size>/<FILE_NAME>} holds the jar's library.
   *
   * @return that directory, or null when the library is not read from a jar entry with a known CRC-32
   */
  static Path extract(Path root) throws IOException {
    URL url = RocksDB.class.getClassLoader().getResource(RESOURCE);
    if (url == null) {
      return null;
    }
    URLConnection conn = url.openConnection();
    if (!(conn instanceof JarURLConnection jar)) {
      return null;
    }
    JarEntry entry = jar.getJarEntry();
    long crc = entry.getCrc();
    long size = entry.getSize();
    if (crc < 0 || size < 0) {
      return null;
    }
    Path dir = root.resolve("rocksdbjni-" + Long.toHexString(crc) + "-" + size);
    Path target = dir.resolve(FILE_NAME);
    if (holds(target, size, crc)) {
      return dir;
    }
    Files.createDirectories(dir);
    Path partial = Files.createTempFile(dir, "partial-", ".so");
    try {
      try (InputStream in = url.openStream()) {
        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      }
      if (!holds(partial, size, crc)) {
        throw new IOException("the copy of " + RESOURCE + " does not match its jar entry");
      }
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(partial);
    }
    return dir;
  }

  /**
   * Whether {@code file} is the jar entry's bytes: its size, then its CRC-32 (about 15 ms for the 15 MB
   * library, cheap next to a replica's start).
   */
  private static boolean holds(Path file, long size, long crc) throws IOException {
    if (!Files.isRegularFile(file) || Files.size(file) != size) {
      return false;
    }
    CRC32 check = new CRC32();
    try (InputStream in = new CheckedInputStream(Files.newInputStream(file), check)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return check.getValue() == crc;
  }
}
