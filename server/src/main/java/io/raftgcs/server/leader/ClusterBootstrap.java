package io.raftgcs.server.leader;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.InitCluster;
import io.raftgcs.server.api.WritePath;
import io.raftgcs.statemachine.GcsStateMachine;
import io.raftgcs.statemachine.table.ClusterTable;
import java.nio.ByteBuffer;
import java.util.UUID;
import org.slf4j.LoggerFactory;

/** Gives the cluster its identity: the first ready leader proposes a random cluster id once. */
public final class ClusterBootstrap implements LeaderService {
  private final GcsStateMachine stateMachine;
  private final WritePath writes;

  public ClusterBootstrap(GcsStateMachine stateMachine, WritePath writes) {
    this.stateMachine = stateMachine;
    this.writes = writes;
  }

  @Override
  public void start() {
    if (stateMachine.read(store -> ClusterTable.clusterId(store, null)) != null) {
      return;
    }
    UUID id = UUID.randomUUID();
    byte[] bytes = ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits())
        .array();
    writes.submit(null, Command.newBuilder().setInitCluster(InitCluster.newBuilder().setClusterId(ByteString.copyFrom(bytes))))
        .whenComplete((r, e) -> {
          if (e != null) {
            LoggerFactory.getLogger(ClusterBootstrap.class).warn("cluster id not set yet: {}", e.toString());
          }
        });
  }

  @Override
  public void stop() {}
}
