#include "workloads/graph.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/topological_sort.hpp>
#include <iterator>
#include <optional>
#include <unordered_map>
#include <utility>

#include "sim/core/errors.hpp"
#include "sim/core/read_file.hpp"
#include "sim/core/toml_reader.hpp"
#include "workloads/workload_file.hpp"

namespace shiftsim::workloads {

namespace {

// Edges go from a job to each of its parents (child -> parent), in the order the parents are
// listed. With this direction, Boost's topological_sort, which emits vertices as the depth-first
// search finishes them, emits every parent before its children, and the search starts from the
// vertices in index order: the order is the file order, each job preceded by its unplaced
// ancestors.
using Digraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

// `parents_of(j)`: the parent indices of job j, in the order listed.
template <class ParentsOf>
Digraph make_digraph(std::size_t n, ParentsOf parents_of) {
  Digraph g(n);
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t p : parents_of(j)) boost::add_edge(j, p, g);
  return g;
}

struct CycleFound {
  std::vector<std::size_t> cycle;  // in execution order; the first job follows the last
};

// Records the depth-first tree and stops at the first back edge with the cycle it closes.
class CycleVisitor : public boost::default_dfs_visitor {
 public:
  explicit CycleVisitor(std::vector<std::size_t>* tree_parent) : tree_parent_(tree_parent) {}

  template <class Edge, class Graph>
  void tree_edge(Edge e, const Graph& g) const {
    (*tree_parent_)[boost::target(e, g)] = boost::source(e, g);
  }

  // u -> v with v on the search stack: the tree path v -> ... -> u plus this edge is a cycle. Each
  // edge points from a job to a parent, so walking the tree back from u to v lists the jobs in
  // the order they would have to run: u, then the one before it on the path, ..., then v, and v
  // must run before u again.
  template <class Edge, class Graph>
  void back_edge(Edge e, const Graph& g) const {
    const std::size_t u = boost::source(e, g), v = boost::target(e, g);
    CycleFound found;
    for (std::size_t x = u; x != v; x = (*tree_parent_)[x]) found.cycle.push_back(x);
    found.cycle.push_back(v);
    throw found;
  }

 private:
  std::vector<std::size_t>* tree_parent_;
};

// The first cycle the depth-first search meets (roots and edges in index order), rotated to
// start at its first job in file order; empty when there is none.
std::vector<std::size_t> find_cycle(const Digraph& g) {
  std::vector<std::size_t> tree_parent(boost::num_vertices(g), 0);
  try {
    boost::depth_first_search(g, boost::visitor(CycleVisitor(&tree_parent)));
  } catch (CycleFound& found) {
    auto& c = found.cycle;
    std::rotate(c.begin(), std::min_element(c.begin(), c.end()), c.end());
    return std::move(c);
  }
  return {};
}

template <class IdOf>
std::string cycle_text(const std::vector<std::size_t>& cycle, IdOf id_of) {
  std::string s = "cycle: ";
  for (std::size_t x : cycle) s += id_of(x) + " -> ";
  return s + id_of(cycle.front());
}

const char* const kCycleHint =
    "a job cannot wait, directly or through others, for itself: remove one of these dependencies";

bool valid_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

// One [[job]] table as written, before the copies of `count` are made.
struct Declared {
  TomlSection section;
  std::string id;
  std::string spec;
  std::optional<Workload> workload;  // set once resolved
  std::size_t count = 1;
  std::vector<std::string> after;
  std::vector<std::size_t> parents;  // declared indices, as listed
};

}  // namespace

WorkloadResolver catalog_resolver(const Catalog& catalog) {
  return [&catalog](const std::string& spec, const std::string& file, std::size_t line) {
    const auto* entry = catalog.find(spec);
    if (entry == nullptr)
      throw ParseError(file, line, fmt::format("no workload '{}' in the catalog", spec),
                       fmt::format("use one of: {}", catalog.names()));
    return entry->workload(catalog.source());
  };
}

WorkloadResolver workload_resolver() {
  return [](const std::string& spec, const std::string& file, std::size_t line) {
    try {
      return load_workload(spec, std::filesystem::path(file).parent_path());
    } catch (const ConfigError& e) {
      throw ParseError(file, line, e.what(), "use a catalog name or a workload file path");
    }
  };
}

JobGraph JobGraph::parse(std::string_view text, const std::string& file,
                         const WorkloadResolver& resolve) {
  const toml::table doc = parse_toml(text, file);
  TomlSection root(doc, file, "graph file");

  std::string name = std::filesystem::path(file).stem().string();
  if (name.empty()) name = "graph";
  std::string description;
  if (auto graph = root.table("graph")) {
    if (auto n = graph->string("name")) {
      if (n->empty()) graph->fail("name", "is empty", "give the graph a name, or remove the key");
      name = *n;
    }
    if (auto d = graph->string("description")) description = *d;
    graph->finish();
  }

  // The tables themselves, so that each section can be named by its id in messages.
  root.tables("job");  // checks that `job` is an array of tables
  std::vector<Declared> declared;
  std::unordered_map<std::string, std::size_t> index_of;
  if (const auto* arr = doc.get_as<toml::array>("job")) {
    std::size_t number = 0;
    for (const auto& node : *arr) {
      const auto& table = *node.as_table();
      ++number;
      const auto* id_node = table.get_as<std::string>("id");
      std::string where = id_node != nullptr ? fmt::format("[[job]] '{}'", id_node->get())
                                             : fmt::format("[[job]] #{}", number);
      Declared d{TomlSection(table, file, std::move(where)), {}, {}, {}, 1, {}, {}};
      TomlSection& job = d.section;
      d.id = job.require_string("id");
      if (d.id.empty() || !std::all_of(d.id.begin(), d.id.end(), valid_id_char))
        job.fail("id", fmt::format("'{}' is not a job id", d.id),
                 "use letters, digits, '-' and '_' ('.' is reserved for copies: trial.1, trial.2)");
      d.spec = job.require_string("workload");
      if (auto c = job.integer("count")) {
        if (*c < 1 || *c > kMaxCount)
          job.fail("count", fmt::format("is {}; it must be between 1 and {}", *c, kMaxCount),
                   "count is the number of independent copies of this job");
        d.count = static_cast<std::size_t>(*c);
      }
      if (auto a = job.strings("after")) d.after = std::move(*a);
      job.finish();
      if (auto [it, fresh] = index_of.emplace(d.id, declared.size()); !fresh)
        job.fail("id",
                 fmt::format("'{}' is already the id of the job at line {}", d.id,
                             declared[it->second].section.line()),
                 "give each [[job]] its own id");
      d.workload = resolve(d.spec, file, job.line_of("workload"));
      declared.push_back(std::move(d));
    }
  }
  root.finish();
  if (declared.empty())
    throw ParseError(file, 0, "the graph has no [[job]]",
                     "add one: [[job]] with id = \"train\" and workload = \"bert-finetune\"");

  // Dependencies by declared job.
  std::vector<std::string> known;
  for (const auto& d : declared) known.push_back(d.id);
  for (auto& d : declared) {
    for (const auto& a : d.after) {
      if (a == d.id)
        d.section.fail("after", fmt::format("the job '{}' depends on itself", d.id),
                       fmt::format("remove '{}' from its own after list", d.id));
      auto it = index_of.find(a);
      if (it == index_of.end())
        d.section.fail("after", fmt::format("no job '{}' in this graph", a),
                       fmt::format("the jobs are: {}", join(known)));
      if (std::find(d.parents.begin(), d.parents.end(), it->second) != d.parents.end())
        d.section.fail("after", fmt::format("'{}' is listed twice", a), "list each job once");
      d.parents.push_back(it->second);
    }
  }
  // A cycle among the declared jobs, named as the user wrote them (copies add none).
  {
    const auto cycle = find_cycle(make_digraph(
        declared.size(), [&](std::size_t k) -> const auto& { return declared[k].parents; }));
    if (!cycle.empty())
      throw ParseError(file, declared[cycle.front()].section.line_of("after"),
                       cycle_text(cycle, [&](std::size_t i) { return declared[i].id; }),
                       kCycleHint);
  }

  // The copies: job k becomes count[k] jobs, in place.
  std::vector<std::size_t> first(declared.size() + 1, 0);
  std::size_t dependencies = 0;
  for (std::size_t k = 0; k < declared.size(); ++k) {
    first[k + 1] = first[k] + declared[k].count;
    std::size_t per_copy = 0;
    for (std::size_t p : declared[k].parents) per_copy += declared[p].count;
    dependencies += per_copy * declared[k].count;
  }
  if (first.back() > kMaxJobs)
    throw ParseError(file, 0,
                     fmt::format("the graph has {} jobs once counts are expanded, more "
                                 "than the limit of {}",
                                 first.back(), kMaxJobs),
                     "lower the counts or split the graph");
  if (dependencies > kMaxDependencies)
    throw ParseError(file, 0,
                     fmt::format("the graph has {} dependencies once counts are "
                                 "expanded (each copy waits for every copy it is "
                                 "after), more than the limit of {}",
                                 dependencies, kMaxDependencies),
                     "lower the counts or split the graph");
  std::vector<GraphJob> jobs;
  jobs.reserve(first.back());
  for (std::size_t k = 0; k < declared.size(); ++k) {
    const Declared& d = declared[k];
    std::vector<std::size_t> parents;
    for (std::size_t p : d.parents)
      for (std::size_t c = first[p]; c < first[p + 1]; ++c) parents.push_back(c);
    for (std::size_t c = 1; c <= d.count; ++c)
      jobs.push_back(GraphJob{d.count == 1 ? d.id : fmt::format("{}.{}", d.id, c), d.spec,
                              *d.workload, parents, d.section.line()});
  }
  return build(std::move(name), std::move(description), std::move(jobs), file);
}

JobGraph JobGraph::load(const std::filesystem::path& path, const WorkloadResolver& resolve) {
  return parse(read_file(path), path.string(), resolve);
}

JobGraph JobGraph::from_jobs(std::string name, std::vector<GraphJob> jobs) {
  std::string file = name;
  return build(std::move(name), {}, std::move(jobs), file);
}

JobGraph JobGraph::build(std::string name, std::string description, std::vector<GraphJob> jobs,
                         const std::string& file) {
  const std::size_t n = jobs.size();
  if (n == 0) throw ParseError(file, 0, "the graph has no jobs", "add at least one job");
  auto where = [&](std::size_t i) {
    return jobs[i].line != 0 ? fmt::format("line {}", jobs[i].line) : fmt::format("job #{}", i + 1);
  };
  std::unordered_map<std::string_view, std::size_t> index_of;
  index_of.reserve(n);
  std::vector<char> seen(n, 0);
  for (std::size_t j = 0; j < n; ++j) {
    const GraphJob& job = jobs[j];
    if (job.id.empty())
      throw ParseError(file, job.line, fmt::format("job #{} has no id", j + 1), "give it an id");
    if (auto [it, fresh] = index_of.emplace(job.id, j); !fresh)
      throw ParseError(
          file, job.line,
          fmt::format("job '{}' is defined twice (first at {})", job.id, where(it->second)),
          "give each job its own id");
    for (std::size_t p : job.parents) {
      if (p >= n)
        throw ParseError(
            file, job.line,
            fmt::format("job '{}' depends on job #{}, but the graph has {} jobs", job.id, p + 1, n),
            "parents are indices into the job list");
      if (p == j)
        throw ParseError(file, job.line, fmt::format("job '{}' depends on itself", job.id),
                         "remove it from its own parents");
      if (seen[p] != 0)
        throw ParseError(file, job.line,
                         fmt::format("job '{}' lists '{}' twice", job.id, jobs[p].id),
                         "list each parent once");
      seen[p] = 1;
    }
    for (std::size_t p : job.parents) seen[p] = 0;
  }

  const Digraph g = make_digraph(
      n, [&](std::size_t j) -> const auto& { return jobs[j].parents; });
  if (const auto cycle = find_cycle(g); !cycle.empty())
    throw ParseError(file, jobs[cycle.front()].line,
                     cycle_text(cycle, [&](std::size_t i) { return jobs[i].id; }), kCycleHint);

  JobGraph out;
  out.order_.reserve(n);
  boost::topological_sort(g, std::back_inserter(out.order_));
  out.children_.resize(n);
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t p : jobs[j].parents) out.children_[p].push_back(j);  // by increasing j
  auto& position = out.position_;
  position.resize(n);
  for (std::size_t k = 0; k < n; ++k) position[out.order_[k]] = k;
  out.seconds_in_order_.reserve(n);
  out.parent_begin_.reserve(n + 1);
  out.child_begin_.reserve(n + 1);
  for (std::size_t j : out.order_) {
    out.seconds_in_order_.push_back(jobs[j].workload.duration());
    out.parent_begin_.push_back(out.parent_pos_.size());
    for (std::size_t p : jobs[j].parents) out.parent_pos_.push_back(position[p]);
    out.child_begin_.push_back(out.child_pos_.size());
    for (std::size_t c : out.children_[j]) out.child_pos_.push_back(position[c]);
  }
  out.parent_begin_.push_back(out.parent_pos_.size());
  out.child_begin_.push_back(out.child_pos_.size());
  out.name_ = std::move(name);
  out.description_ = std::move(description);
  out.jobs_ = std::move(jobs);
  return out;
}

std::vector<Seconds> JobGraph::earliest_starts_in_order() const {
  const std::size_t n = order_.size();
  std::vector<Seconds> es(n, Seconds{0});
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t e = parent_begin_[k]; e < parent_begin_[k + 1]; ++e) {
      const std::size_t q = parent_pos_[e];
      es[k] = std::max(es[k], es[q] + seconds_in_order_[q]);
    }
  return es;
}

Seconds JobGraph::critical_path_length() const {
  const auto es = earliest_starts_in_order();
  Seconds makespan{0};
  for (std::size_t k = 0; k < es.size(); ++k)
    makespan = std::max(makespan, es[k] + seconds_in_order_[k]);
  return makespan;
}

GraphSchedule JobGraph::schedule(std::optional<Seconds> deadline) const {
  if (deadline && *deadline <= Seconds{0})
    throw ConfigError(fmt::format("graph '{}': the deadline must be positive, not {} s", name_,
                                  deadline->count()));
  const std::size_t n = order_.size();
  const auto es = earliest_starts_in_order();
  GraphSchedule s;
  for (std::size_t k = 0; k < n; ++k)
    s.makespan = std::max(s.makespan, es[k] + seconds_in_order_[k]);
  s.deadline = deadline.value_or(s.makespan);
  s.feasible = s.makespan <= s.deadline;

  // Backward pass: a job must finish by the latest start of each child, a sink by the deadline.
  std::vector<Seconds> ls(n);
  for (std::size_t k = n; k-- > 0;) {
    Seconds latest_finish = s.deadline;
    for (std::size_t e = child_begin_[k]; e < child_begin_[k + 1]; ++e)
      latest_finish = std::min(latest_finish, ls[child_pos_[e]]);
    ls[k] = latest_finish - seconds_in_order_[k];
  }
  const Seconds least_slack = s.deadline - s.makespan;
  s.jobs.reserve(n);
  for (std::size_t k : position_)
    s.jobs.push_back(JobTiming{es[k], ls[k], ls[k] - es[k], ls[k] - es[k] == least_slack});

  // One longest path: the first critical source, then each time the first critical child that
  // starts as its parent ends (one always exists until the path reaches the makespan).
  for (std::size_t j = 0; j < n; ++j) {
    if (!s.jobs[j].critical || s.jobs[j].earliest_start != Seconds{0}) continue;
    std::size_t cur = j;
    s.critical_path.push_back(cur);
    while (true) {
      const Seconds end = s.jobs[cur].earliest_start + jobs_[cur].workload.duration();
      const auto& kids = children_[cur];
      auto next = std::find_if(kids.begin(), kids.end(), [&](std::size_t c) {
        return s.jobs[c].critical && s.jobs[c].earliest_start == end;
      });
      if (next == kids.end()) break;
      cur = *next;
      s.critical_path.push_back(cur);
    }
    break;
  }
  return s;
}

Energy JobGraph::accelerator_energy() const {
  Energy total{};
  for (const auto& j : jobs_) total += j.workload.accelerator_energy();
  return total;
}

}  // namespace shiftsim::workloads
