#include "definition/yaml_limits.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <sstream>
#include <unordered_map>
#include <vector>

#include "domain/limits.h"

namespace leadloop {

namespace {

// Thrown from inside yaml-cpp's parser to stop it at once; caught below.
struct Stop {
  YamlRefusal refusal;
};

// Counts nodes as the events arrive. An anchor's size (its node and all
// below it, aliases expanded) is known when its node closes; an alias adds
// that size. A collection's own size is the count between its start and end.
class CountingHandler : public YAML::EventHandler {
 public:
  explicit CountingHandler(const YamlLimits& limits) : limits_(limits) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string&) override {
    leaf(mark, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (++aliases_ > limits_.max_aliases) {
      stop(mark, "more than " + std::to_string(limits_.max_aliases) + " aliases" +
                     limits::limit_note("max_yaml_aliases"));
    }
    auto it = anchored_.find(anchor);
    if (it == anchored_.end()) stop(mark, "an alias refers to the node that contains it");
    add(mark, it->second);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    size_t nodes_before;
    YAML::anchor_t anchor;
  };

  [[noreturn]] static void stop(const YAML::Mark& mark, std::string message) {
    throw Stop{{mark.line + 1, mark.column + 1, std::move(message)}};
  }

  void add(const YAML::Mark& mark, size_t count) {
    nodes_ += count;
    if (nodes_ > limits_.max_nodes) {
      stop(mark, "the document has more than " + std::to_string(limits_.max_nodes) +
                     " values with its aliases expanded" + limits::limit_note("max_yaml_nodes"));
    }
  }

  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    add(mark, 1);
    if (anchor != YAML::NullAnchor) anchored_[anchor] = 1;
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    add(mark, 1);
    if (static_cast<int>(open_.size()) >= limits_.max_depth) {
      stop(mark, "the document nests deeper than " + std::to_string(limits_.max_depth) + " levels" +
                     limits::limit_note("max_yaml_depth"));
    }
    open_.push_back({nodes_ - 1, anchor});
  }

  void close() {
    Open o = open_.back();
    open_.pop_back();
    if (o.anchor != YAML::NullAnchor) anchored_[o.anchor] = nodes_ - o.nodes_before;
  }

  const YamlLimits& limits_;
  size_t nodes_ = 0;
  size_t aliases_ = 0;
  std::vector<Open> open_;
  std::unordered_map<YAML::anchor_t, size_t> anchored_;
};

}  // namespace

YamlLimits definition_yaml_limits() {
  return {limits::kMaxDefinitionBytes, limits::kMaxYamlDepth, limits::kMaxYamlNodes, limits::kMaxYamlAliases};
}

std::optional<YamlRefusal> check_yaml_limits(std::string_view text, const YamlLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return YamlRefusal{0, 0, "the document is " + std::to_string(text.size()) + " bytes, more than " +
                                 std::to_string(limits.max_bytes) + limits::limit_note("max_definition_bytes")};
  }
  std::istringstream in{std::string(text)};
  CountingHandler handler(limits);
  try {
    YAML::Parser parser(in);
    parser.HandleNextDocument(handler);
  } catch (const Stop& s) {
    return s.refusal;
  } catch (const YAML::Exception&) {
    return std::nullopt;  // the loader reports it, with its place
  }
  return std::nullopt;
}

}  // namespace leadloop
