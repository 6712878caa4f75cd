package io.raftgcs.client;

/**
 * The leader's answer to a heartbeat.
 *
 * @param periodMs the heartbeat period the leader expects
 * @param revision the leader's applied revision
 */
public record HeartbeatResult(long periodMs, long revision) {}
