package io.raftgcs.client;

/**
 * Answer to a drain request.
 *
 * @param accepted whether the drain was accepted (Ray accepts draining unknown and dead nodes)
 * @param rejectionReason why it was rejected, empty when accepted
 * @param revision the revision that recorded it
 */
public record DrainResult(boolean accepted, String rejectionReason, long revision) {}
