#pragma once
// A test fixture run on both back ends: a fresh SQLite file, and (parameter true) a fresh
// database on the shared real PostgreSQL server (postgres_server.h), opened and migrated.
// Use with INSTANTIATE_TEST_SUITE_P(..., ::testing::Bool()).

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "store/store.h"
#include "store/testing/postgres_server.h"

namespace sb::store::testing {

class BackendTest : public ::testing::TestWithParam<bool> {  // true: PostgreSQL
 protected:
  // `prefix` names the temporary directory and the PostgreSQL database of each test.
  explicit BackendTest(std::string prefix) : prefix_(std::move(prefix)) {}

  void SetUp() override {
    static std::atomic<int> counter{0};
    const std::string name = prefix_ + std::to_string(getpid()) + "_" + std::to_string(counter++);
    dir_ = std::filesystem::temp_directory_path() / ("sb-store-" + name);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::string url = "sqlite:" + (dir_ / "store.db").string();
    if (GetParam()) {
      std::string why;
      PostgresServer* pg = SharedPostgres(&why);
      ASSERT_NE(pg, nullptr) << why;
      auto u = pg->CreateDatabase(name);
      ASSERT_TRUE(u.ok()) << u.status().ToString();
      url = *u;
    }
    auto s = OpenStore(url);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string prefix_;
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace sb::store::testing
