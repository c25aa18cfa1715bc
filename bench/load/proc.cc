#include "proc.h"

#include <dirent.h>

#include <fstream>
#include <string>

namespace leadloop::bench {

Memory read_memory(int pid) {
  Memory m;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  long value = 0;
  while (in >> key) {
    long* into = key == "VmRSS:"     ? &m.rss_kb
                 : key == "RssAnon:" ? &m.anon_kb
                 : key == "RssFile:" ? &m.file_kb
                                     : nullptr;
    if (into && in >> value) *into = value;
  }
  return m;
}

long count_fds(int pid) {
  DIR* dir = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  if (!dir) return -1;
  long n = 0;
  while (dirent* e = readdir(dir)) n += e->d_name[0] != '.';
  closedir(dir);
  return n;
}

}  // namespace leadloop::bench
