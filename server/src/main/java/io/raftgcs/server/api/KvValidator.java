package io.raftgcs.server.api;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.InternalKVDelRequest;
import io.raftgcs.proto.InternalKVExistsRequest;
import io.raftgcs.proto.InternalKVGetRequest;
import io.raftgcs.proto.InternalKVKeysRequest;
import io.raftgcs.proto.InternalKVMultiGetRequest;
import io.raftgcs.proto.InternalKVPutRequest;
import io.raftgcs.proto.ReadOptions;
import io.raftgcs.proto.RequestId;
import io.raftgcs.statemachine.Limits;

/**
 * Pure, static checks of KV requests before anything is proposed. Each failure names the field.
 * Any thread.
 */
public final class KvValidator {
  private KvValidator() {}

  public static void put(InternalKVPutRequest r) {
    size(r.getSerializedSize());
    namespace(r.getNamespace());
    key("key", r.getKey());
    if (r.getValue().size() > Limits.MAX_VALUE_BYTES) {
      throw Errors.invalid("value: " + r.getValue().size() + " bytes exceeds the limit of " + Limits.MAX_VALUE_BYTES);
    }
    requestId(r.hasRequestId(), r.getRequestId());
  }

  public static void del(InternalKVDelRequest r) {
    size(r.getSerializedSize());
    namespace(r.getNamespace());
    if (r.getDelByPrefix()) {
      keyLength("key", r.getKey());
    } else {
      key("key", r.getKey());
    }
    requestId(r.hasRequestId(), r.getRequestId());
  }

  public static void get(InternalKVGetRequest r) {
    namespace(r.getNamespace());
    key("key", r.getKey());
    read(r.getRead());
  }

  public static void exists(InternalKVExistsRequest r) {
    namespace(r.getNamespace());
    key("key", r.getKey());
    read(r.getRead());
  }

  public static void keys(InternalKVKeysRequest r) {
    namespace(r.getNamespace());
    keyLength("prefix", r.getPrefix());
    read(r.getRead());
  }

  public static void multiGet(InternalKVMultiGetRequest r) {
    size(r.getSerializedSize());
    namespace(r.getNamespace());
    if (r.getKeysCount() > Limits.MAX_MULTI_GET_KEYS) {
      throw Errors.invalid("keys: " + r.getKeysCount() + " keys exceeds the limit of " + Limits.MAX_MULTI_GET_KEYS);
    }
    for (int i = 0; i < r.getKeysCount(); i++) {
      key("keys[" + i + "]", r.getKeys(i));
    }
    read(r.getRead());
  }

  public static void namespace(String ns) {
    if (ns.length() > Limits.MAX_NAMESPACE_CHARS) {
      throw Errors.invalid("namespace: longer than " + Limits.MAX_NAMESPACE_CHARS + " characters");
    }
    if (!Limits.NAMESPACE_PATTERN.matcher(ns).matches()) {
      throw Errors.invalid("namespace: '" + ns + "' may only contain letters, digits and _ . : -");
    }
  }

  static void key(String field, ByteString key) {
    if (key.isEmpty()) {
      throw Errors.invalid(field + ": must not be empty");
    }
    keyLength(field, key);
  }

  public static void keyLength(String field, ByteString key) {
    if (key.size() > Limits.MAX_KEY_BYTES) {
      throw Errors.invalid(field + ": " + key.size() + " bytes exceeds the limit of " + Limits.MAX_KEY_BYTES);
    }
  }

  static void size(int bytes) {
    if (bytes > Limits.MAX_REQUEST_BYTES) {
      throw Errors.invalid("request: " + bytes + " bytes exceeds the limit of " + Limits.MAX_REQUEST_BYTES);
    }
  }

  static void read(ReadOptions read) {
    if (read.getMinRevision() < 0) {
      throw Errors.invalid("read.min_revision: must not be negative");
    }
  }

  public static void requestId(boolean present, RequestId id) {
    if (!present) {
      throw Errors.invalid("request_id: required on every mutation (client_id + seq)");
    }
    if (id.getClientId().size() != Limits.CLIENT_ID_BYTES) {
      throw Errors.invalid("request_id.client_id: must be exactly " + Limits.CLIENT_ID_BYTES + " bytes");
    }
    if (id.getSeq() <= 0) {
      throw Errors.invalid("request_id.seq: must be positive");
    }
  }
}
