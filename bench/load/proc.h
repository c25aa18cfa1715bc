// What /proc says about the server process (same user, Linux).
#pragma once

namespace leadloop::bench {

// Resident memory in KB from /proc/PID/status; -1 where unreadable.
// `anon_kb` is the heap and stacks, `file_kb` the mapped files (the
// SQLite file's pages when the server maps it).
struct Memory {
  long rss_kb = -1;
  long anon_kb = -1;
  long file_kb = -1;
};
Memory read_memory(int pid);

// How many file descriptors the process holds (sockets included); -1 if
// /proc/PID/fd cannot be read.
long count_fds(int pid);

}  // namespace leadloop::bench
