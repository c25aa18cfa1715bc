#include "leads.h"

#include <chrono>
#include <random>

namespace leadloop::bench {

namespace {

const char* const kFirst[] = {"Anna",  "Ben",   "Carla", "David", "Elena",
                              "Farid", "Grace", "Hugo",  "Ines",  "Jonas"};
const char* const kLast[] = {"Smith",  "Garcia",   "Rossi", "Dubois",
                             "Jansen", "Nakamura", "Chen",  "Silva"};
const char* const kCompany[] = {"Acme",  "Northwind", "Vertex", "Orion",
                                "Helix", "Summit",    "Nimbus", "Cobalt"};
const char* const kTitle[] = {"VP Sales", "CTO", "IT Manager", "CFO", "Head of Operations"};
const char* const kCountry[] = {"US", "DE", "GB", "SG", "CA"};

struct Person {
  std::string email, first, last, company, title, country, employees;
};

Person person(uint64_t run, int64_t index) {
  std::mt19937_64 dice(run * 1000003u + static_cast<uint64_t>(index));
  const std::string tag = std::to_string(run) + "-" + std::to_string(index);
  return {lead_email(run, index),
          kFirst[dice() % 10],
          kLast[dice() % 8],
          std::string(kCompany[dice() % 8]) + " " + tag,
          kTitle[dice() % 5],
          kCountry[dice() % 5],
          std::to_string(5 + dice() % 20000)};
}

}  // namespace

uint64_t new_run_id() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

std::string lead_email(uint64_t run, int64_t index) {
  return "load" + std::to_string(run) + "." + std::to_string(index) + "@load.example";
}

std::string lead_json(uint64_t run, int64_t index, std::string_view campaign) {
  const Person p = person(run, index);
  return "{\"email\":\"" + p.email + "\",\"first_name\":\"" + p.first + "\",\"last_name\":\"" +
         p.last + "\",\"company\":\"" + p.company + "\",\"title\":\"" + p.title +
         "\",\"country\":\"" + p.country + "\",\"employees\":" + p.employees +
         ",\"source_campaign\":\"" + std::string(campaign) + "\",\"attributes\":{\"load\":\"" +
         std::to_string(run) + "\"}}";
}

std::string bulk_json(uint64_t run, int64_t first, int count, std::string_view campaign) {
  std::string body = "[";
  for (int i = 0; i < count; ++i) {
    if (i) body += ',';
    body += lead_json(run, first + i, campaign);
  }
  return body + "]";
}

std::string csv_file(uint64_t run, int64_t first, int count) {
  std::string csv = "email,first_name,last_name,company,title,country,employees\n";
  for (int i = 0; i < count; ++i) {
    const Person p = person(run, first + i);
    csv += p.email + "," + p.first + "," + p.last + "," + p.company + "," + p.title + "," +
           p.country + "," + p.employees + "\n";
  }
  return csv;
}

}  // namespace leadloop::bench
