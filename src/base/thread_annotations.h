#pragma once
// Clang's thread-safety analysis (-Wthread-safety): which mutex guards which member, checked at
// compile time (scripts/check-threads.sh runs it in CI). The macros are empty for other
// compilers. libstdc++'s std::mutex carries no annotations, so guarded state uses sb::Mutex, a
// std::mutex with them; condition variables wait on it through std::condition_variable_any.

#include <mutex>

#if defined(__clang__)
#define SB_THREAD_ATTR(x) __attribute__((x))
#else
#define SB_THREAD_ATTR(x)
#endif

#define SB_CAPABILITY(x) SB_THREAD_ATTR(capability(x))
#define SB_SCOPED_CAPABILITY SB_THREAD_ATTR(scoped_lockable)
#define SB_GUARDED_BY(x) SB_THREAD_ATTR(guarded_by(x))
#define SB_REQUIRES(...) SB_THREAD_ATTR(requires_capability(__VA_ARGS__))
#define SB_ACQUIRE(...) SB_THREAD_ATTR(acquire_capability(__VA_ARGS__))
#define SB_RELEASE(...) SB_THREAD_ATTR(release_capability(__VA_ARGS__))
#define SB_EXCLUDES(...) SB_THREAD_ATTR(locks_excluded(__VA_ARGS__))
#define SB_NO_THREAD_SAFETY_ANALYSIS SB_THREAD_ATTR(no_thread_safety_analysis)

namespace sb {

class SB_CAPABILITY("mutex") Mutex {
 public:
  void lock() SB_ACQUIRE() { mu_.lock(); }
  void unlock() SB_RELEASE() { mu_.unlock(); }

 private:
  std::mutex mu_;
};

// Holds a Mutex for its scope (like std::unique_lock: it may be unlocked and locked again, and
// releases it at the end only if it holds it); also what a condition_variable_any waits with.
class SB_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) SB_ACQUIRE(mu) : mu_(mu) { mu_.lock(); }
  ~MutexLock() SB_RELEASE() {
    if (owned_) mu_.unlock();
  }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;
  void lock() SB_ACQUIRE() {
    mu_.lock();
    owned_ = true;
  }
  void unlock() SB_RELEASE() {
    owned_ = false;
    mu_.unlock();
  }

 private:
  Mutex& mu_;
  bool owned_ = true;
};

}  // namespace sb
