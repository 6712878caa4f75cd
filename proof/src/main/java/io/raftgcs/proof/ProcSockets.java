package io.raftgcs.proof;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * Linux only: which local process owns the client end of a loopback TCP connection. A proxy that accepted
 * a connection from {@code 127.0.0.1:clientPort} on {@code serverPort} finds the client socket in
 * {@code /proc/net/tcp} and {@code /proc/net/tcp6} (local port = clientPort, remote port = serverPort),
 * takes its inode and looks for {@code socket:[inode]} among the open files of the candidate processes.
 * Replicas run as our own user, so their {@code /proc/<pid>/fd} is readable.
 */
final class ProcSockets {
  private ProcSockets() {}

  /** The pid among {@code candidates} holding the client end, or -1 when none does (or /proc is unavailable). */
  static long clientPid(int clientPort, int serverPort, Collection<Long> candidates) {
    long inode = clientInode(clientPort, serverPort);
    if (inode <= 0) {
      return -1;
    }
    String want = "socket:[" + inode + "]";
    for (long pid : candidates) {
      if (pid > 0 && holds(pid, want)) {
        return pid;
      }
    }
    return -1;
  }

  static long clientInode(int clientPort, int serverPort) {
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of(table));
      } catch (IOException e) {
        continue;
      }
      for (int i = 1; i < lines.size(); i++) {
        String[] f = lines.get(i).trim().split("\\s+");
        if (f.length > 9 && port(f[1]) == clientPort && port(f[2]) == serverPort) {
          long inode = Long.parseLong(f[9]);
          if (inode > 0) {
            return inode;
          }
        }
      }
    }
    return -1;
  }

  private static int port(String hexAddrPort) {
    int c = hexAddrPort.lastIndexOf(':');
    return c < 0 ? -1 : Integer.parseInt(hexAddrPort.substring(c + 1), 16);
  }

  private static boolean holds(long pid, String socketLink) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds) {
        try {
          if (socketLink.equals(Files.readSymbolicLink(fd).toString())) {
            return true;
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }
}
