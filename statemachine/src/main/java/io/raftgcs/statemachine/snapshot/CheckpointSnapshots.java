package io.raftgcs.statemachine.snapshot;

import io.raftgcs.proto.SnapshotManifest;
import io.raftgcs.statemachine.store.GcsStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;

/**
 * Snapshots as RocksDB checkpoints under Ratis's state-machine folder ({@code sm/snap_<term>_<index>}),
 * each with a manifest (format, term, index, files, CRC32C of the files). A snapshot is built in a temp
 * folder and renamed into place, so a crash never leaves a half snapshot that looks whole. The live DB is
 * elsewhere: Ratis replaces {@code sm/} wholesale when a follower installs a snapshot from the leader.
 *
 * <p>Called on the Ratis apply thread (take, install) and at start-up.
 */
public final class CheckpointSnapshots {
  public static final int FORMAT_VERSION = 1;
  static final String MANIFEST = "GCS-MANIFEST";
  private static final Pattern NAME = Pattern.compile("snap_(\\d+)_(\\d+)");
  private static final int KEEP = 2;

  private final Path smDir;

  public CheckpointSnapshots(Path smDir) {
    this.smDir = smDir;
  }

  public record Snapshot(TermIndex termIndex, Path dir, SnapshotManifest manifest) {
    public FileListSnapshotInfo info() {
      List<FileInfo> files = new ArrayList<>();
      for (String f : manifest.getFilesList()) {
        files.add(new FileInfo(dir.resolve(f), null));
      }
      files.add(new FileInfo(dir.resolve(MANIFEST), null));
      return new FileListSnapshotInfo(files, termIndex);
    }
  }

  /** Newest complete snapshot, if any. */
  public Optional<Snapshot> latest() throws IOException {
    if (!Files.isDirectory(smDir)) {
      return Optional.empty();
    }
    List<Snapshot> found = list();
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
  }

  private List<Snapshot> list() throws IOException {
    List<Snapshot> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(smDir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (m.matches() && Files.isRegularFile(p.resolve(MANIFEST))) {
          SnapshotManifest man = SnapshotManifest.parseFrom(Files.readAllBytes(p.resolve(MANIFEST)));
          out.add(new Snapshot(TermIndex.valueOf(man.getTerm(), man.getIndex()), p, man));
        }
      }
    }
    out.sort(Comparator.comparingLong(s -> s.termIndex().getIndex()));
    return out;
  }

  /** Checkpoints {@code store} as of {@code ti} (the caller guarantees the store holds exactly ti). */
  public Snapshot take(GcsStore store, TermIndex ti) throws IOException {
    Files.createDirectories(smDir);
    String name = "snap_" + ti.getTerm() + "_" + ti.getIndex();
    Path dest = smDir.resolve(name);
    if (Files.isRegularFile(dest.resolve(MANIFEST))) {
      return new Snapshot(ti, dest, SnapshotManifest.parseFrom(Files.readAllBytes(dest.resolve(MANIFEST))));
    }
    Path tmp = smDir.resolve("tmp." + name);
    deleteTree(tmp);
    store.checkpoint(tmp);
    List<String> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(tmp)) {
      s.map(p -> p.getFileName().toString()).sorted().forEach(files::add);
    }
    SnapshotManifest man = SnapshotManifest.newBuilder().setFormatVersion(FORMAT_VERSION).setTerm(ti.getTerm())
        .setIndex(ti.getIndex()).addAllFiles(files).setDigest(checksum(tmp, files)).build();
    Files.write(tmp.resolve(MANIFEST), man.toByteArray());
    // Ratis purges the log up to this snapshot once we return: it must survive a power loss, not only a kill.
    // RocksDB syncs the checkpoint's own files; the manifest and the renames are ours to sync.
    fsync(tmp.resolve(MANIFEST));
    fsync(tmp);
    deleteTree(dest);
    Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
    fsync(smDir);
    prune();
    return new Snapshot(ti, dest, man);
  }

  /** Replaces {@code dbDir} with a private copy of the snapshot (SSTs hard-linked, the rest copied). */
  public void restoreInto(Snapshot snap, Path dbDir) throws IOException {
    verify(snap);
    deleteTree(dbDir);
    Files.createDirectories(dbDir);
    for (String f : snap.manifest().getFilesList()) {
      Path src = snap.dir().resolve(f);
      Path dst = dbDir.resolve(f);
      if (f.endsWith(".sst")) {
        try {
          Files.createLink(dst, src);
          continue;
        } catch (IOException | UnsupportedOperationException e) {
          // different file system: fall through to a copy
        }
      }
      Files.copy(src, dst);
    }
  }

  /** Throws if a file of the snapshot is missing or its contents do not match the manifest. */
  public void verify(Snapshot snap) throws IOException {
    if (snap.manifest().getFormatVersion() != FORMAT_VERSION) {
      throw new IOException("snapshot " + snap.dir() + " has format " + snap.manifest().getFormatVersion()
          + ", this build reads " + FORMAT_VERSION);
    }
    String actual = checksum(snap.dir(), snap.manifest().getFilesList());
    if (!actual.equals(snap.manifest().getDigest())) {
      throw new IOException("snapshot " + snap.dir() + " is corrupt: checksum " + actual + " != manifest "
          + snap.manifest().getDigest());
    }
  }

  private static String checksum(Path dir, List<String> files) throws IOException {
    CRC32C crc = new CRC32C();
    byte[] buf = new byte[1 << 16];
    for (String f : files) {
      crc.update(f.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      try (InputStream in = Files.newInputStream(dir.resolve(f))) {
        for (int n = in.read(buf); n > 0; n = in.read(buf)) {
          crc.update(buf, 0, n);
        }
      }
    }
    return Long.toHexString(crc.getValue());
  }

  private void prune() throws IOException {
    List<Snapshot> all = list();
    for (int i = 0; i < all.size() - KEEP; i++) {
      deleteTree(all.get(i).dir());
    }
  }

  /** Forces a file's contents, or a directory's entries, to the device. */
  private static void fsync(Path p) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  public static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(x -> {
        try {
          Files.delete(x);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
