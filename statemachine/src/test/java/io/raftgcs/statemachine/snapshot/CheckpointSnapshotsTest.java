package io.raftgcs.statemachine.snapshot;

import static io.raftgcs.statemachine.Fixture.put;
import static io.raftgcs.statemachine.Fixture.rid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgcs.proto.SnapshotManifest;
import io.raftgcs.statemachine.Fixture;
import io.raftgcs.statemachine.StateDigest;
import io.raftgcs.statemachine.store.Cf;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.ratis.server.protocol.TermIndex;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshot round trips: a checkpoint restores to exactly the state it was taken at, and corruption is caught. */
class CheckpointSnapshotsTest {
  @TempDir Path tmp;
  Fixture live;
  CheckpointSnapshots snaps;
  Path sm;

  @BeforeEach
  void open() throws Exception {
    live = Fixture.open(tmp.resolve("live"));
    sm = tmp.resolve("sm");
    snaps = new CheckpointSnapshots(sm);
  }

  @AfterEach
  void close() {
    if (live != null) {
      live.close();
    }
  }

  private void write(int from, int to) {
    for (int i = from; i <= to; i++) {
      live.applyAt(i, put("ns", "k" + (i % 37), "v" + i, true, rid(1, i), 1000L * i),
          put("other", "x" + i, "y", false));
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void restoredSnapshotEqualsTheStateItWasTakenAt() throws Exception {
    write(1, 120);
    StateDigest.Value atSnapshot = live.digest();
    assertEquals(120, atSnapshot.index());
    CheckpointSnapshots.Snapshot snap = snaps.take(live.store, TermIndex.valueOf(3, 120));
    assertEquals(TermIndex.valueOf(3, 120), snap.termIndex());
    assertEquals(120, snap.manifest().getIndex());
    assertEquals(3, snap.manifest().getTerm());
    assertEquals(CheckpointSnapshots.FORMAT_VERSION, snap.manifest().getFormatVersion());
    assertTrue(snap.manifest().getFilesList().stream().anyMatch(f -> f.endsWith(".sst")), "flushed to SSTs");
    assertEquals(names(snap.dir()).stream().filter(n -> !n.equals(CheckpointSnapshots.MANIFEST))
        .collect(Collectors.toList()), snap.manifest().getFilesList());
    assertEquals(snap.manifest().getFilesCount() + 1, snap.info().getFiles().size());
    assertEquals(TermIndex.valueOf(3, 120), snap.info().getTermIndex());

    // the live store moves on (including deletes of rows the snapshot holds)
    write(121, 200);
    live.apply(Fixture.delPrefix("other", ""));
    assertNotEquals(atSnapshot.hex(), live.digest().hex());

    Path restored = tmp.resolve("restored");
    Files.createDirectories(restored);
    Files.writeString(restored.resolve("stale-file"), "from an older life");
    snaps.restoreInto(snaps.latest().orElseThrow(), restored);
    assertFalse(Files.exists(restored.resolve("stale-file")), "the target is replaced, not merged");
    try (Fixture back = Fixture.open(restored)) {
      StateDigest.Value d = back.digest();
      assertEquals(atSnapshot, d);
      assertEquals(120, back.store.appliedTermIndex(null)[1]);
      assertEquals("v120", back.getString("ns", "k" + (120 % 37)));
      assertEquals(List.of(), back.keys("other", "x121"));
      assertEquals(120, back.keys("other", "").size());
    }
  }

  @Test
  void restoredReplicaContinuesLikeTheOriginal() throws Exception {
    write(1, 50);
    snaps.take(live.store, TermIndex.valueOf(1, 50));
    write(51, 80);
    String liveDigest = live.digest().hex();

    Path restored = tmp.resolve("restored");
    snaps.restoreInto(snaps.latest().orElseThrow(), restored);
    try (Fixture back = Fixture.open(restored)) {
      assertEquals(50, back.index());
      // replay the same entries 51..80 (sessions and history were restored with the tables)
      for (int i = 51; i <= 80; i++) {
        back.applyAt(i, put("ns", "k" + (i % 37), "v" + i, true, rid(1, i), 1000L * i),
            put("other", "x" + i, "y", false));
      }
      assertEquals(liveDigest, back.digest().hex());
      // a retry of a request applied before the snapshot is still recognised after the restore
      assertTrue(back.applyAt(81, put("ns", "k13", "retry", true, rid(1, 50), 81_000)).events()
          .getEventsList().isEmpty());
      assertEquals(back.applier.history().size(), back.count(Cf.EVENTS));
    }
  }

  @Test
  void aFlippedByteInAnSstIsDetected() throws Exception {
    write(1, 60);
    CheckpointSnapshots.Snapshot snap = snaps.take(live.store, TermIndex.valueOf(1, 60));
    snaps.verify(snap);
    // the checkpoint's SSTs are hard links into the live store: stop it before damaging them
    live.close();
    live = null;
    String sst = snap.manifest().getFilesList().stream().filter(f -> f.endsWith(".sst")).findFirst().orElseThrow();
    Path file = snap.dir().resolve(sst);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
      long pos = ch.size() / 2;
      ch.read(b, pos);
      b.put(0, (byte) (b.get(0) ^ 0x5a)).rewind();
      ch.write(b, pos);
    }
    assertCorrupt(snap);
  }

  @Test
  void aTruncatedFileIsDetected() throws Exception {
    write(1, 60);
    CheckpointSnapshots.Snapshot snap = snaps.take(live.store, TermIndex.valueOf(1, 60));
    live.close();
    live = null;
    String manifestFile = snap.manifest().getFilesList().stream().filter(f -> f.startsWith("MANIFEST-"))
        .findFirst().orElseThrow();
    Path file = snap.dir().resolve(manifestFile);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 1);
    }
    assertCorrupt(snap);
  }

  @Test
  void aMissingFileOrAnUnknownFormatIsRefused() throws Exception {
    write(1, 10);
    CheckpointSnapshots.Snapshot snap = snaps.take(live.store, TermIndex.valueOf(1, 10));
    CheckpointSnapshots.Snapshot future = new CheckpointSnapshots.Snapshot(snap.termIndex(), snap.dir(),
        snap.manifest().toBuilder().setFormatVersion(CheckpointSnapshots.FORMAT_VERSION + 1).build());
    assertThrows(IOException.class, () -> snaps.verify(future));
    CheckpointSnapshots.Snapshot extra = new CheckpointSnapshots.Snapshot(snap.termIndex(), snap.dir(),
        snap.manifest().toBuilder().addFiles("000999.sst").build());
    assertThrows(IOException.class, () -> snaps.verify(extra));
    snaps.verify(snap);
  }

  private void assertCorrupt(CheckpointSnapshots.Snapshot snap) throws IOException {
    assertThrows(IOException.class, () -> snaps.verify(snap));
    // also when found again from disk, as on restart
    CheckpointSnapshots.Snapshot found = snaps.latest().orElseThrow();
    assertThrows(IOException.class, () -> snaps.verify(found));
    Path target = tmp.resolve("target");
    Files.createDirectories(target);
    Files.writeString(target.resolve("keep"), "untouched");
    assertThrows(IOException.class, () -> snaps.restoreInto(found, target));
    assertEquals(List.of("keep"), names(target), "a corrupt snapshot is refused before the target is touched");
  }

  @Test
  void latestIsTheNewestAndOnlyTwoAreKept() throws Exception {
    assertEquals(Optional.empty(), snaps.latest(), "no folder yet");
    write(1, 10);
    snaps.take(live.store, TermIndex.valueOf(1, 10));
    assertEquals(10, snaps.latest().orElseThrow().termIndex().getIndex());
    write(11, 20);
    snaps.take(live.store, TermIndex.valueOf(1, 20));
    write(21, 30);
    snaps.take(live.store, TermIndex.valueOf(2, 30));
    assertEquals(TermIndex.valueOf(2, 30), snaps.latest().orElseThrow().termIndex());
    assertEquals(List.of("snap_1_20", "snap_2_30"), names(sm));
    write(31, 100);
    snaps.take(live.store, TermIndex.valueOf(2, 100)); // 100 > 30 numerically, though "snap_2_100" < "snap_2_30"
    assertEquals(TermIndex.valueOf(2, 100), snaps.latest().orElseThrow().termIndex());
    assertEquals(List.of("snap_2_100", "snap_2_30"), names(sm));

    // a half-written snapshot (no manifest) is never picked
    Files.createDirectories(sm.resolve("snap_2_500"));
    Files.writeString(sm.resolve("snap_2_500").resolve("000001.sst"), "partial");
    assertEquals(TermIndex.valueOf(2, 100), snaps.latest().orElseThrow().termIndex());
  }

  @Test
  void takingTheSameIndexTwiceKeepsTheFirst() throws Exception {
    write(1, 10);
    CheckpointSnapshots.Snapshot first = snaps.take(live.store, TermIndex.valueOf(1, 10));
    SnapshotManifest m = first.manifest();
    CheckpointSnapshots.Snapshot again = snaps.take(live.store, TermIndex.valueOf(1, 10));
    assertEquals(m, again.manifest());
    assertEquals(first.dir(), again.dir());
    assertEquals(List.of("snap_1_10"), names(sm));
  }
}
