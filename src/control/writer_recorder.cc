#include "control/writer_recorder.h"

#include <memory>

namespace sb::control {

void WriterRecorder::OpenCase(cases::OpenRequest request,
                              std::function<void(Result<cases::Case>)> done) {
  // The task runs on the writer thread after everything posted before it is committed; its
  // result goes back to the control thread through `post_`.
  (void)writer_.Submit([request = std::move(request), rules = rules_, done = std::move(done),
                        post = post_](store::Store& s) mutable {
    cases::CaseService svc(s, rules);
    auto result = std::make_shared<Result<cases::Case>>(svc.Open(request));
    post([done = std::move(done), result] { done(std::move(*result)); });
  });
}

}  // namespace sb::control
