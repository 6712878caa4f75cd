package io.raftgcs.client;

import io.raftgcs.proto.MemberStatus;
import java.util.Objects;
import java.util.Optional;

/**
 * What one member said when asked for its status, or why it could not be asked.
 *
 * @param endpoint the API endpoint that was queried
 * @param memberId the member's id, from its own answer or from another member's member list;
 *     empty when a seed endpoint did not answer and no member lists it
 * @param status the member's answer, empty when unreachable
 * @param error why the member did not answer, empty when it did
 */
public record MemberReport(
    String endpoint, String memberId, Optional<MemberStatus> status, Optional<GcsException> error) {

  public MemberReport {
    Objects.requireNonNull(endpoint);
    Objects.requireNonNull(memberId);
    Objects.requireNonNull(status);
    Objects.requireNonNull(error);
  }

  static MemberReport answered(String endpoint, MemberStatus status) {
    return new MemberReport(endpoint, status.getId(), Optional.of(status), Optional.empty());
  }

  static MemberReport unreachable(String endpoint, String memberId, GcsException error) {
    return new MemberReport(endpoint, memberId, Optional.empty(), Optional.of(error));
  }

  public boolean reachable() {
    return status.isPresent();
  }
}
