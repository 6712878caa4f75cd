package io.raftgcs.server.raft;

import io.raftgcs.server.config.ServerConfig;
import java.io.File;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * The Ratis settings a replica runs with, and why (see docs/ratis-settings in the README and
 * ../shared/notes/ratis.md §6 for the measurements behind them).
 */
final class RaftProperties4Gcs {
  private RaftProperties4Gcs() {}

  static RaftProperties build(ServerConfig cfg, File storageDir) {
    RaftProperties p = new RaftProperties();
    // ratis-grpc, with followers told of each new commit index at once (see CommitNotifyingGrpc).
    RaftConfigKeys.Rpc.setType(p, new CommitNotifyingGrpc());
    RaftServerConfigKeys.setStorageDir(p, java.util.List.of(storageDir));
    GrpcConfigKeys.Server.setHost(p, cfg.self().host());
    // The bind port; peers dial the address advertised in the group, which a forwarding proxy may own.
    GrpcConfigKeys.Server.setPort(p, cfg.raftBindPort());
    // ~1 s failover: an election timeout of 300-600 ms; below 300 ms a busy 2-core box sees spurious elections.
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, ms(cfg.electionTimeoutMin().toMillis()));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, ms(cfg.electionTimeoutMax().toMillis()));
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, ms(cfg.electionTimeoutMin().toMillis()));
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, ms(cfg.electionTimeoutMax().toMillis()));
    RaftServerConfigKeys.Rpc.setRequestTimeout(p, ms(3000));
    // Linearizable reads by ReadIndex, answered from the leader's lease when it holds.
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, true);
    RaftServerConfigKeys.Read.setTimeout(p, ms(5000));
    // Snapshots bound replay time; the log is purged only up to a snapshot, keeping a tail for slow followers.
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, cfg.snapshotThreshold());
    RaftServerConfigKeys.Snapshot.setCreationGap(p, Math.min(1024, Math.max(1, cfg.snapshotThreshold() / 2)));
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Log.setPurgePreservationLogNum(p, cfg.purgePreserveEntries());
    RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(1024, Math.max(1, cfg.snapshotThreshold() / 4)));
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(cfg.logSegmentBytes()));
    RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf(Math.min(cfg.logSegmentBytes(), 4L << 20)));
    // Catch a restarted follower up quickly instead of backing off to 5 s sleeps.
    RaftServerConfigKeys.Log.Appender.setRetryPolicy(p, "1ms,10, 100ms,50, 500ms,1000");
    RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, true);
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(4L << 20));
    GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(8L << 20));
    RaftServerConfigKeys.RetryCache.setExpiryTime(p, ms(60_000));
    // Ratis would append (and fsync) a metadata entry recording the commit index after commits; it
    // only speeds up replay after a restart, and costs a second log sync on the write path.
    RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
    // A follower appends an AppendEntries' entries on the gRPC thread that received it: that only puts them
    // in the log's cache and queues their write for the log worker. Ratis's default ("compose") moves each
    // append off that thread through the common ForkJoin pool and then its server executor: two thread
    // hand-offs per AppendEntries (RESULTS, round 7).
    RaftServerConfigKeys.Log.setAppendEntriesComposeEnabled(p, false);
    return p;
  }

  private static TimeDuration ms(long v) {
    return TimeDuration.valueOf(v, TimeUnit.MILLISECONDS);
  }
}
