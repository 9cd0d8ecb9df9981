// Directory benchmarks: CSV import (rows/s), screen pop by phone and by id, fuzzy name search,
// and resident memory per million records, at 1 million records (10 million with
// SB_BENCH_10M=1: about 1 GB of CSV in the temp directory and ~3 GB of memory).
// Latencies are timed call by call; p50/p99/max are reported as counters (Google Benchmark's
// own time column is the mean).
// Run: scripts/build.sh release --target directory_bench && ./build/release/bench/directory_bench

#include <benchmark/benchmark.h>

#include <unistd.h>
#include "bench/tail.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "directory/directory.h"
#include "directory/import.h"
#include "directory/text.h"

namespace {

using sb::directory::Directory;
using Clock = std::chrono::steady_clock;

constexpr std::array<const char*, 60> kFirst = {
    "Marie",    "Jean",         "Pierre",      "Michel",    "André",     "Philippe",
    "Nathalie", "Isabelle",     "Sylvie",      "Catherine", "Françoise", "Élodie",
    "Camille",  "Léa",          "Chloé",       "Manon",     "Inès",      "Hélène",
    "Jérôme",   "Stéphane",     "François",    "Frédéric",  "Sébastien", "Thierry",
    "Nicolas",  "Julien",       "Céline",      "Aurélie",   "Émilie",    "Laurent",
    "Olivier",  "Christophe",   "Hans",        "Jürgen",    "Björn",     "Sören",
    "Zoë",      "Ana",          "José",        "María",     "Lucía",     "João",
    "Giulia",   "Matteo",       "Łukasz",      "Agnieszka", "Dorothée",  "Gaëlle",
    "Noël",     "Anaïs",        "Loïc",        "Maël",      "Benoît",    "Jean-Pierre",
    "Jean-Luc", "Marie-Claire", "Anne-Sophie", "Yannick",   "Ségolène",  "Raphaël"};
constexpr std::array<const char*, 60> kLast = {
    "Martin",     "Bernard",  "Dubois",    "Thomas",       "Robert",    "Richard",  "Petit",
    "Durand",     "Leroy",    "Moreau",    "Simon",        "Laurent",   "Lefèvre",  "Michel",
    "Garcia",     "David",    "Bertrand",  "Roux",         "Vincent",   "Fournier", "Morel",
    "Girard",     "André",    "Lefebvre",  "Mercier",      "Dupont",    "Lambert",  "Bonnet",
    "François",   "Martinez", "Legrand",   "Garnier",      "Faure",     "Rousseau", "Blanc",
    "Guérin",     "Müller",   "Schmidt",   "Schneider",    "Fischer",   "Weiß",     "Rossi",
    "Russo",      "Ferrari",  "Fernández", "González",     "Rodríguez", "Kowalski", "Nowak",
    "Wiśniewski", "Jansen",   "De Vries",  "Van den Berg", "Peeters",   "Janssens", "Lemaître",
    "Château",    "Hervé",    "Bézier",    "Ødegaard"};
// Syllables for a long tail of rarer surnames, as in a real population.
constexpr std::array<const char*, 32> kSyllables = {
    "ker", "va",   "dec", "la",   "mo",  "ri",   "niè", "re",  "bou", "chard", "gan",
    "to",  "lié",  "pel", "tier", "mar", "quet", "ros", "sel", "vin", "dau",   "bré",
    "gne", "cour", "te",  "lin",  "ber", "tho",  "mas", "san", "dri", "ault"};
constexpr std::array<const char*, 8> kOrgs = {"Acme",    "Beta Mutuelle", "Gamma SA", "Delta",
                                              "Epsilon", "Zeta Group",    "Eta",      "Theta"};
constexpr std::array<const char*, 5> kLanguages = {"fr", "de", "en", "es", "it"};
constexpr int kPartners = 1000;

std::string Surname(std::mt19937_64& rng) {
  if (rng() % 10 < 6) {
    // Zipf-like: low indexes are common.
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return kLast[static_cast<std::size_t>(u * u * kLast.size())];
  }
  std::string s;
  const int n = 2 + static_cast<int>(rng() % 2);
  for (int i = 0; i < n; ++i) s += kSyllables[rng() % kSyllables.size()];
  s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string Phone(std::size_t i) {  // unique per i: an odd multiplier mod 10^8 is a bijection
  char buf[32];
  std::snprintf(buf, sizeof buf, "+336%08llu",
                static_cast<unsigned long long>((i * 48271ULL + 12345) % 100000000ULL));
  return buf;
}

std::string Id(std::size_t i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "C%09zu", i);
  return buf;
}

std::string Quoted(const std::string& s) {
  return s.find(',') == std::string::npos ? s : "\"" + s + "\"";
}

// The generated files, removed when the program exits.
struct TempFiles {
  std::map<std::size_t, std::string> paths;
  ~TempFiles() {
    for (const auto& [n, path] : paths) std::remove(path.c_str());
  }
};

// Writes n person records plus kPartners partners to a temp CSV (cached per n).
std::string CsvPath(std::size_t n) {
  static TempFiles files;
  auto& paths = files.paths;
  if (auto it = paths.find(n); it != paths.end()) return it->second;
  const char* tmp = std::getenv("TMPDIR");
  const std::string path = std::string(tmp ? tmp : "/tmp") + "/directory_bench_" +
                           std::to_string(n) + "_" + std::to_string(getpid()) + ".csv";
  std::ofstream out(path, std::ios::binary);
  std::vector<char> buffer(1 << 20);
  out.rdbuf()->pubsetbuf(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  out << "id,kind,name,phone,organization,partner_id,birth_date,language,segment,trunks,pins,"
         "x_customer_since\n";
  std::mt19937_64 rng(42);
  for (int p = 0; p < kPartners; ++p) {
    out << "P" << p << ",partner," << kOrgs[p % kOrgs.size()] << " Partner " << p << ",+3314"
        << (1000000 + p) << "," << kOrgs[p % kOrgs.size()] << ",,,fr,,trunk-" << p << ","
        << (100000 + p) << ",\n";
  }
  for (std::size_t i = 0; i < n; ++i) {
    std::string name = kFirst[rng() % kFirst.size()];
    name += ' ';
    name += Surname(rng);
    std::string phones = Phone(i);
    if (rng() % 10 < 3) phones += ";01 " + std::to_string(40 + rng() % 50) + " 00 00 00";
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02d-%02d", 1940 + static_cast<int>(rng() % 65),
                  1 + static_cast<int>(rng() % 12), 1 + static_cast<int>(rng() % 28));
    const bool has_partner = rng() % 5 == 0;
    out << Id(i) << ",person," << Quoted(name) << "," << phones << ","
        << kOrgs[rng() % kOrgs.size()] << ","
        << (has_partner ? "P" + std::to_string(rng() % kPartners) : std::string()) << "," << date
        << "," << kLanguages[rng() % kLanguages.size()] << "," << (rng() % 10 == 0 ? "gold" : "")
        << ",,," << (2000 + rng() % 25) << "\n";
  }
  out.close();
  paths[n] = path;
  return path;
}

double ResidentBytes() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

// One directory per size, built by the import benchmark and reused by the look-up ones.
std::map<std::size_t, std::unique_ptr<Directory>>& Directories() {
  static std::map<std::size_t, std::unique_ptr<Directory>> dirs;
  return dirs;
}

Directory& Loaded(std::size_t n, benchmark::State* state = nullptr) {
  auto& dirs = Directories();
  if (auto it = dirs.find(n); it != dirs.end()) return *it->second;
  const std::string path = CsvPath(n);
  const double rss_before = ResidentBytes();
  auto dir = std::make_unique<Directory>();
  const auto t0 = Clock::now();
  Clock::time_point indexing = t0;  // when the index build started
  auto report = sb::directory::ImportFile(
      path, *dir, {}, [&](sb::directory::ImportStage stage, std::uint64_t done, std::uint64_t) {
        if (stage == sb::directory::ImportStage::kIndexing && done == 0) indexing = Clock::now();
      });
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!report.ok()) {
    std::fprintf(stderr, "import failed: %s\n", report.status().ToString().c_str());
    std::abort();
  }
  if (state) {
    // Page-cache pages of the mapped file are counted in RSS while mapped; it is unmapped by now.
    const double rss = ResidentBytes() - rss_before;
    const double millions = static_cast<double>(dir->snapshot()->record_count()) / 1e6;
    state->counters["seconds"] = seconds;
    // The index build and publishing (the bar's "indexing" stage).
    state->counters["indexing_s"] = std::chrono::duration<double>(Clock::now() - indexing).count();
    state->counters["rows_per_s"] = static_cast<double>(report->rows) / seconds;
    state->counters["rejected"] = static_cast<double>(report->rejected);
    state->counters["rss_MiB_per_M"] = rss / millions / (1 << 20);
    state->counters["index_MiB_per_M"] =
        static_cast<double>(dir->snapshot()->MemoryBytes()) / millions / (1 << 20);
    state->counters["file_MiB"] = static_cast<double>(report->bytes) / (1 << 20);
    state->counters["segments"] = static_cast<double>(dir->snapshot()->segments().size());
  }
  return *(dirs[n] = std::move(dir));
}

std::size_t Size(const benchmark::State& state) {
  return static_cast<std::size_t>(state.range(0)) * 1'000'000;
}

void Percentiles(benchmark::State& state, std::vector<double>& ns) {
  std::sort(ns.begin(), ns.end());
  if (ns.empty()) return;
  state.counters["p50_us"] = ns[ns.size() / 2] / 1000;
  state.counters["p99_us"] = ns[ns.size() * 99 / 100] / 1000;
  state.counters["max_us"] = ns.back() / 1000;
}

void BM_ImportCsv(benchmark::State& state) {
  const std::size_t n = Size(state);
  Directories().erase(n);
  CsvPath(n);  // generated outside the timed part
  for (auto _ : state) Loaded(n, &state);
}

void BM_PopByPhone(benchmark::State& state) {
  const std::size_t n = Size(state);
  Directory& dir = Loaded(n);
  std::mt19937_64 rng(7);
  sb::bench::TailRecorder tail;
  std::size_t found = 0, calls = 0;
  for (auto _ : state) {
    sb::directory::PopRequest req;
    req.caller = Phone(rng() % n);
    tail.Time([&] {
      auto pop = dir.Pop(req);
      found += pop.records.size() == 1;
      benchmark::DoNotOptimize(pop);
    });
    ++calls;
  }
  state.counters["found_pct"] = 100.0 * static_cast<double>(found) / static_cast<double>(calls);
  tail.Report(state);
}

void BM_PopById(benchmark::State& state) {
  const std::size_t n = Size(state);
  Directory& dir = Loaded(n);
  std::mt19937_64 rng(8);
  std::vector<double> ns;
  std::size_t found = 0;
  for (auto _ : state) {
    sb::directory::PopRequest req;
    req.ivr_id = Id(rng() % n);
    const auto t0 = Clock::now();
    auto pop = dir.Pop(req);
    ns.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t0).count());
    found += pop.records.size() == 1;
    benchmark::DoNotOptimize(pop);
  }
  state.counters["found_pct"] = 100.0 * static_cast<double>(found) / static_cast<double>(ns.size());
  Percentiles(state, ns);
}

// Queries are real names with one damage: two letters swapped, accents dropped, or the words
// in the other order. "top1_same" counts answers whose best hit has the undamaged name.
void BM_SearchName(benchmark::State& state) {
  const std::size_t n = Size(state);
  Directory& dir = Loaded(n);
  std::mt19937_64 rng(9);
  std::vector<double> ns;
  std::size_t same = 0;
  double slowest_ns = 0;
  std::string slowest;
  for (auto _ : state) {
    state.PauseTiming();
    auto rec = dir.FindById(Id(rng() % n));
    std::string query = rec->name;
    const std::size_t space = query.find(' ');
    switch (rng() % 3) {
      case 0:
        if (query.size() > space + 3) std::swap(query[space + 2], query[space + 3]);
        break;
      case 1:
        query = query.substr(space + 1) + " " + query.substr(0, space);
        break;
      default:
        query = sb::directory::Fold(query);
        break;
    }
    state.ResumeTiming();
    const auto t0 = Clock::now();
    auto hits = dir.Search(query);
    ns.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t0).count());
    same += !hits.empty() && hits[0].record.name == rec->name;
    if (ns.back() > slowest_ns) {
      slowest_ns = ns.back();
      slowest = query + " (" + std::to_string(hits.size()) + " hits)";
    }
    benchmark::DoNotOptimize(hits);
  }
  state.SetLabel("slowest: " + slowest);
  state.counters["top1_same_pct"] =
      100.0 * static_cast<double>(same) / static_cast<double>(ns.size());
  Percentiles(state, ns);
}

// An incremental update while the directory is loaded: 1,000 existing records re-upserted
// (new segment, shadowing, occasional merges); the time includes publishing the snapshot.
void BM_UpsertThousand(benchmark::State& state) {
  const std::size_t n = Size(state);
  Directory& dir = Loaded(n);
  std::mt19937_64 rng(10);
  std::vector<double> ns;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<sb::directory::Record> batch;
    const std::size_t base = rng() % n;
    for (std::size_t i = 0; i < 1000; ++i) {  // 7919 is prime to n: distinct ids
      auto rec = dir.FindById(Id((base + i * 7919) % n));
      if (!rec) continue;
      rec->segment = "updated";
      batch.push_back(std::move(*rec));
    }
    state.ResumeTiming();
    const auto t0 = Clock::now();
    auto applied = dir.Upsert(batch);
    ns.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t0).count());
    if (!applied.ok()) state.counters["refused"] += 1;
  }
  state.counters["segments"] = static_cast<double>(dir.snapshot()->segments().size());
  Percentiles(state, ns);
}

// The nightly full export: the same file imported again over the loaded directory (every row
// an update), including the merge of the new segment into the old one.
void BM_ReimportCsv(benchmark::State& state) {
  const std::size_t n = Size(state);
  Directory& dir = Loaded(n);
  const std::string path = CsvPath(n);
  for (auto _ : state) {
    const auto t0 = Clock::now();
    auto report = sb::directory::ImportFile(path, dir);
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    if (!report.ok()) {
      state.SkipWithError(report.status().ToString().c_str());
      break;
    }
    state.counters["seconds"] = seconds;
    state.counters["rows_per_s"] = static_cast<double>(report->rows) / seconds;
    state.counters["updated"] = static_cast<double>(report->applied.updated);
  }
  state.counters["segments"] = static_cast<double>(dir.snapshot()->segments().size());
}

void Sizes(benchmark::internal::Benchmark* b) {
  b->Arg(1);
  if (const char* ten = std::getenv("SB_BENCH_10M"); ten && std::string(ten) == "1") b->Arg(10);
}

BENCHMARK(BM_ImportCsv)->Apply(Sizes)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_PopByPhone)->Apply(Sizes)->Unit(benchmark::kMicrosecond)->Iterations(200000);
BENCHMARK(BM_PopById)->Apply(Sizes)->Unit(benchmark::kMicrosecond)->Iterations(200000);
BENCHMARK(BM_SearchName)->Apply(Sizes)->Unit(benchmark::kMicrosecond)->Iterations(5000);
BENCHMARK(BM_ReimportCsv)->Apply(Sizes)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_UpsertThousand)->Apply(Sizes)->Unit(benchmark::kMillisecond)->Iterations(300);

}  // namespace

BENCHMARK_MAIN();
