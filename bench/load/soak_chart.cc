// The soak's samples on disk: a CSV and an SVG chart written directly (two
// panels over time: the server's RSS, and p99 per route on a log scale).
#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "soak.h"

namespace leadloop::bench {

namespace {

constexpr int kWidth = 960, kLeft = 70, kRight = 760;  // the plot's x range; the legend right of it
constexpr int kPanelHeight = 250;
constexpr int kTop[2] = {50, 370};
const char* const kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                               "#9467bd", "#8c564b", "#e377c2", "#17becf"};

std::string num(double v) {
  std::ostringstream s;
  s.precision(4);
  s << v;
  return s.str();
}

struct Axis {
  double t_max;
  double y_min, y_max;
  bool log;
  int top;
  double x(double t) const { return kLeft + (kRight - kLeft) * t / t_max; }
  double y(double v) const {
    const double f =
        log ? (std::log10(v) - std::log10(y_min)) / (std::log10(y_max) - std::log10(y_min))
            : (v - y_min) / (y_max - y_min);
    return top + kPanelHeight * (1 - std::clamp(f, 0.0, 1.0));
  }
};

void frame(std::ostream& out, const Axis& a, const std::string& title, double warmup_s) {
  out << "<text x='" << kLeft << "' y='" << a.top - 12 << "' font-weight='bold'>" << title
      << "</text>\n";
  out << "<rect x='" << kLeft << "' y='" << a.top << "' width='" << kRight - kLeft << "' height='"
      << kPanelHeight << "' fill='none' stroke='#888'/>\n";
  std::vector<double> ticks;
  if (a.log) {
    for (double v = a.y_min; v <= a.y_max * 1.001; v *= 10) ticks.push_back(v);
  } else {
    for (int i = 0; i <= 4; ++i) ticks.push_back(a.y_min + (a.y_max - a.y_min) * i / 4);
  }
  for (double v : ticks) {
    out << "<line x1='" << kLeft << "' x2='" << kRight << "' y1='" << a.y(v) << "' y2='" << a.y(v)
        << "' stroke='#eee'/><text x='" << kLeft - 6 << "' y='" << a.y(v) + 4
        << "' text-anchor='end'>" << num(v) << "</text>\n";
  }
  for (int i = 0; i <= 6; ++i) {
    const double t = a.t_max * i / 6;
    out << "<text x='" << a.x(t) << "' y='" << a.top + kPanelHeight + 16
        << "' text-anchor='middle'>" << static_cast<int>(t) << " s</text>\n";
  }
  out << "<line x1='" << a.x(warmup_s) << "' x2='" << a.x(warmup_s) << "' y1='" << a.top << "' y2='"
      << a.top + kPanelHeight << "' stroke='#aaa' stroke-dasharray='4 4'/><text x='"
      << a.x(warmup_s) + 4 << "' y='" << a.top + 14 << "' fill='#888'>end of warm-up</text>\n";
}

// A line through the samples' values; NaN leaves a gap.
template <class Value>
void series(std::ostream& out, const Axis& a, const std::vector<Sample>& samples, Value value,
            const char* color, const std::string& label, int legend_row) {
  std::string path;
  bool pen = false;
  for (const Sample& s : samples) {
    const double v = value(s);
    if (std::isnan(v) || (a.log && v <= 0)) {
      pen = false;
      continue;
    }
    path += (pen ? " L" : " M") + num(a.x(s.t)) + " " + num(a.y(v));
    pen = true;
  }
  out << "<path d='" << path << "' fill='none' stroke='" << color << "' stroke-width='1.5'/>\n";
  const int y = a.top + 10 + 18 * legend_row;
  out << "<line x1='" << kRight + 10 << "' x2='" << kRight + 30 << "' y1='" << y << "' y2='" << y
      << "' stroke='" << color << "' stroke-width='2'/><text x='" << kRight + 36 << "' y='" << y + 4
      << "'>" << label << "</text>\n";
}

Axis memory_axis(const std::vector<Sample>& samples, double t_max) {
  double hi = 1;
  for (const Sample& s : samples) hi = std::max(hi, s.memory.rss_kb / 1024.0);
  return {t_max, 0, std::ceil(hi * 1.1 / 10) * 10, false, kTop[0]};
}

Axis latency_axis(const std::vector<Sample>& samples, double t_max) {
  double lo = 1e9, hi = 0;
  for (const Sample& s : samples) {
    for (double v : s.p99) {
      if (!std::isnan(v) && v > 0) lo = std::min(lo, v), hi = std::max(hi, v);
    }
  }
  if (hi == 0) lo = 0.1, hi = 1;
  return {t_max, std::pow(10, std::floor(std::log10(lo))), std::pow(10, std::ceil(std::log10(hi))),
          true, kTop[1]};
}

}  // namespace

bool write_csv(const std::string& path, const std::vector<Sample>& samples) {
  std::ofstream out(path);
  out << "t_s,rss_kb,rss_anon_kb,rss_file_kb,leads,streams_open,requests,errors_5xx";
  for (const RouteSpec& r : kRoutes) out << "," << r.name << "_p99_ms";
  out << "\n";
  for (const Sample& s : samples) {
    out << num(s.t) << "," << s.memory.rss_kb << "," << s.memory.anon_kb << "," << s.memory.file_kb
        << "," << s.leads << "," << s.streams << "," << s.requests << "," << s.errors_5xx;
    for (double v : s.p99) out << "," << (std::isnan(v) ? "" : num(v));
    out << "\n";
  }
  return static_cast<bool>(out);
}

bool write_svg(const std::string& path, const std::vector<Sample>& samples, double warmup_s,
               const std::string& title) {
  const double t_max = samples.empty() ? 1 : std::max(1.0, samples.back().t);
  std::ofstream out(path);
  out << "<svg xmlns='http://www.w3.org/2000/svg' width='" << kWidth
      << "' height='660' font-family='sans-serif' "
      << "font-size='12'>\n<rect width='100%' height='100%' fill='white'/>\n"
      << "<text x='" << kLeft << "' y='20' font-size='14'>" << title << "</text>\n";
  const Axis mem = memory_axis(samples, t_max);
  frame(out, mem, "server memory, MB", warmup_s);
  series(
      out, mem, samples, [](const Sample& s) { return s.memory.rss_kb / 1024.0; }, kColors[0],
      "RSS", 0);
  series(
      out, mem, samples, [](const Sample& s) { return s.memory.anon_kb / 1024.0; }, kColors[1],
      "heap (anon)", 1);
  const Axis lat = latency_axis(samples, t_max);
  frame(out, lat, "p99 latency per route, ms (log scale), per sample window", warmup_s);
  for (int r = 0; r < kRouteCount; ++r) {
    series(
        out, lat, samples, [r](const Sample& s) { return s.p99[static_cast<size_t>(r)]; },
        kColors[r], kRoutes[r].name, r);
  }
  out << "</svg>\n";
  return static_cast<bool>(out);
}

}  // namespace leadloop::bench
