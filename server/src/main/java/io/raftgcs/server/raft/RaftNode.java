package io.raftgcs.server.raft;

import io.raftgcs.server.config.PeerSpec;
import io.raftgcs.server.config.ServerConfig;
import io.raftgcs.statemachine.GcsStateMachine;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SnapshotManagementRequest;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;

/**
 * This replica's Ratis server and its one group: start/stop, in-process submission of writes and reads,
 * and the admin operations (leadership transfer, snapshot). No request logic lives here.
 *
 * <p>Thread-safe; the Ratis server state is Ratis's own.
 */
public final class RaftNode implements AutoCloseable {
  public static final RaftGroupId GROUP_ID =
      RaftGroupId.valueOf(UUID.nameUUIDFromBytes("raftgcs".getBytes(StandardCharsets.UTF_8)));

  private final ServerConfig cfg;
  private final GcsStateMachine stateMachine;
  private final RaftServer server;
  private final ClientId clientId = ClientId.randomId();
  private final AtomicLong callIds = new AtomicLong();

  public RaftNode(ServerConfig cfg, GcsStateMachine stateMachine) throws IOException {
    this.cfg = cfg;
    this.stateMachine = stateMachine;
    File raftDir = cfg.dataDir().resolve("raft").toFile();
    boolean existing = raftDir.isDirectory() && hasGroupDir(raftDir);
    Files.createDirectories(raftDir.toPath());
    RaftProperties props = RaftProperties4Gcs.build(cfg, raftDir);
    // A replica started with --join begins with an empty group and learns it from the leader that adds it.
    RaftGroup group = cfg.join() && !existing ? RaftGroup.valueOf(GROUP_ID) : RaftGroup.valueOf(GROUP_ID, peers(cfg.peers()));
    this.server = RaftServer.newBuilder()
        .setServerId(RaftPeerId.valueOf(cfg.id()))
        .setGroup(group)
        .setProperties(props)
        .setStateMachine(stateMachine)
        .setOption(existing ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
        .build();
  }

  /** Raft peers carry our API address as their client address, so the configuration is the member directory. */
  static List<RaftPeer> peers(List<PeerSpec> specs) {
    List<RaftPeer> peers = new ArrayList<>();
    for (PeerSpec p : specs) {
      peers.add(RaftPeer.newBuilder().setId(p.id()).setAddress(p.raftAddress()).setClientAddress(p.apiAddress()).build());
    }
    return peers;
  }

  /** The current members, from the committed Raft configuration. */
  public List<PeerSpec> members() {
    List<PeerSpec> out = new ArrayList<>();
    for (RaftPeer p : division().getRaftConf().getCurrentPeers()) {
      out.add(toSpec(p));
    }
    out.sort(java.util.Comparator.comparing(PeerSpec::id));
    return out;
  }

  private static PeerSpec toSpec(RaftPeer p) {
    String[] raft = p.getAddress().split(":");
    String api = p.getClientAddress() == null ? "" : p.getClientAddress();
    int apiPort = api.contains(":") ? Integer.parseInt(api.substring(api.lastIndexOf(':') + 1)) : 0;
    return new PeerSpec(p.getId().toString(), raft[0], Integer.parseInt(raft[raft.length - 1]), apiPort);
  }

  /** Replaces the membership (leader only); Ratis stages new members and catches them up first. */
  public void setMembers(List<PeerSpec> members, long timeoutMs) throws IOException {
    RaftClientReply reply = server.setConfiguration(new org.apache.ratis.protocol.SetConfigurationRequest(clientId,
        server.getId(), GROUP_ID, callIds.incrementAndGet(), peers(members)));
    if (!reply.isSuccess()) {
      throw new IOException("membership change failed: " + reply.getException());
    }
  }

  private static boolean hasGroupDir(File raftDir) {
    File[] children = raftDir.listFiles();
    return children != null && children.length > 0;
  }

  public void start() throws IOException {
    server.start();
  }

  public RaftServer.Division division() {
    try {
      return server.getDivision(GROUP_ID);
    } catch (IOException e) {
      throw new IllegalStateException("group not started", e);
    }
  }

  public DivisionInfo info() {
    return division().getInfo();
  }

  public String id() {
    return cfg.id();
  }

  public GcsStateMachine stateMachine() {
    return stateMachine;
  }

  public Optional<String> leaderId() {
    RaftPeerId id = info().getLeaderId();
    return id == null ? Optional.empty() : Optional.of(id.toString());
  }

  public boolean isLeaderReady() {
    DivisionInfo i = info();
    return i.isLeader() && i.isLeaderReady();
  }

  /** Appends {@code data} as one log entry; completes with the applied reply. */
  public CompletableFuture<Message> write(byte[] data) {
    return submit(RaftClientRequest.writeRequestType(), data);
  }

  /**
   * One ReadIndex round with nothing to query: completes once this replica has applied the index the leader
   * handed out (see {@link ReadBarrier}).
   */
  public CompletableFuture<Message> readIndexRound() {
    return submit(RaftClientRequest.readRequestType(), new byte[0]);
  }

  private CompletableFuture<Message> submit(RaftClientRequest.Type type, byte[] data) {
    RaftClientRequest req = RaftClientRequest.newBuilder()
        .setClientId(clientId)
        .setServerId(server.getId())
        .setGroupId(GROUP_ID)
        .setCallId(callIds.incrementAndGet())
        .setMessage(Message.valueOf(org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations.unsafeWrap(data)))
        .setType(type)
        .build();
    try {
      return submitter().submitClientRequestAsync(req).thenApply(this::unwrap);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Where requests enter Ratis. The server-level entry hops to Ratis's client executor and blocks the
   * caller until that thread has appended the entry (about 1 ms a request on a loaded box); the group's
   * own entry does the same work on the calling thread. Our callers are the proposer and read-barrier
   * threads, dedicated and never Ratis's, so they take the direct entry when the division offers it.
   */
  private org.apache.ratis.protocol.RaftClientAsynchronousProtocol submitter() {
    try {
      RaftServer.Division d = server.getDivision(GROUP_ID);
      if (d instanceof org.apache.ratis.protocol.RaftClientAsynchronousProtocol direct) {
        return direct;
      }
    } catch (IOException e) {
      // not started yet or closing: the server-level entry reports it properly
    }
    return server;
  }

  private Message unwrap(RaftClientReply reply) {
    if (reply.isSuccess()) {
      return reply.getMessage();
    }
    if (reply.getNotLeaderException() != null) {
      RaftPeer hint = reply.getNotLeaderException().getSuggestedLeader();
      throw new NotLeaderException(hint == null ? leaderId().orElse("") : hint.getId().toString(),
          "not the leader");
    }
    if (reply.getLeaderNotReadyException() != null) {
      throw new NotLeaderException("", "leader not ready yet");
    }
    Exception e = reply.getException();
    throw new RaftUnavailableException(e == null ? "request failed" : e.getMessage(), e);
  }

  /** Moves leadership to {@code target}; blocks up to {@code timeoutMs}. */
  public void transferLeadership(String target, long timeoutMs) throws IOException {
    RaftClientReply reply = server.transferLeadership(new TransferLeadershipRequest(clientId, server.getId(),
        GROUP_ID, callIds.incrementAndGet(), RaftPeerId.valueOf(target), timeoutMs));
    if (!reply.isSuccess()) {
      throw new IOException("leadership transfer to " + target + " failed: " + reply.getException());
    }
  }

  /**
   * The follower with the highest match index (the safest target for a hand-over), if this is the leader.
   * Ratis lists follower RPC info and match indices from the same sender list, so position k pairs them.
   * Ratis itself waits for the target to catch up before handing over.
   */
  public Optional<String> mostCaughtUpFollower() {
    DivisionInfo i = info();
    if (!i.isLeader()) {
      return Optional.empty();
    }
    long[] match = i.getFollowerMatchIndices();
    if (match == null) {
      return Optional.empty(); // leadership was lost or not yet set up between the two calls
    }
    var followers = i.getRoleInfoProto().getLeaderInfo().getFollowerInfoList();
    String best = null;
    long bestIndex = Long.MIN_VALUE;
    for (int k = 0; k < Math.min(match.length, followers.size()); k++) {
      if (match[k] > bestIndex) {
        bestIndex = match[k];
        best = followers.get(k).getId().getId().toStringUtf8();
      }
    }
    return Optional.ofNullable(best);
  }

  /** Takes a snapshot now; returns its index. */
  public long takeSnapshot(long timeoutMs) throws IOException {
    RaftClientReply reply = server.snapshotManagement(SnapshotManagementRequest.newCreate(clientId, server.getId(),
        GROUP_ID, callIds.incrementAndGet(), timeoutMs, 1));
    if (!reply.isSuccess()) {
      throw new IOException("snapshot failed: " + reply.getException());
    }
    return reply.getLogIndex();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
