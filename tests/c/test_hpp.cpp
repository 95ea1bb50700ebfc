// include/cibatch.hpp, the header-only C++ wrapper: every operation, RAII, exceptions. Run under valgrind.
#include <cstdio>
#include <string>

#include "cibatch.hpp"

static int passed = 0, failed = 0;
#define CHECK(cond)                                                     \
  do {                                                                  \
    if (cond) {                                                         \
      passed++;                                                         \
    } else {                                                            \
      failed++;                                                         \
      std::fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                   \
  } while (0)

int main() {
  try {
    cibatch::Emulator emu(0, nullptr, 300, 300);
    // Each describe moves a job one state on: the wait below sees every state, however slow the run (it once
    // missed `Running` under load on the wall clock).
    emu.set_clock(CIBATCH_EMULATOR_CLOCK_PER_DESCRIBE);
    cibatch::Client client(emu.config().max_attempts(3).backoff_ms(1, 10));
    // Each retry knob has its own setter, and the library (not the wrapper) refuses what is out of range.
    try {
      emu.config().max_attempts(11);
      CHECK(false);
    } catch (const cibatch::Error &e) {
      CHECK(e.result() == CIBATCH_INVALID_INPUT && e.argument() == "max_attempts");
    }
    try {
      emu.config().backoff_ms(1, 86400001);  // a cap over a day
      CHECK(false);
    } catch (const cibatch::Error &e) {
      CHECK(e.result() == CIBATCH_INVALID_INPUT && e.argument() == "cap_ms");
    }
    cibatch::Client(emu.config().retry_create().retries(2));  // the compatibility form: 0 keeps base and cap

    auto wf = client.create_workflow_job(
        cibatch::WorkflowRequest("hpp-workflow", cibatch::InputKind::Prefix, "input/", "w1")
            .time_interval("2022-02-01T12:00:00+0800", "2022-05-01T12:00:00+0800"));
    CHECK(wf.name() == "hpp-workflow" && wf.state() == "Submitted" && wf.prefix() == "input/");
    CHECK(wf.start_time().empty());

    auto job = client.create_job(cibatch::JobRequest("hpp-job", "Snapshot", cibatch::InputKind::Object, "a.mp4")
                                     .param("TemplateId", "t1")
                                     .param_xml("<Snapshot><Mode>Interval</Mode></Snapshot>")
                                     .output("ap-beijing", "out-1250000000", "o/${InputName}.jpg")
                                     .queue_id("p1")
                                     .job_level(1));
    CHECK(job.tag() == "Snapshot" && job.template_id() == "t1" && job.output_bucket() == "out-1250000000");
    CHECK(job.job_param_xml().find("<Mode>Interval</Mode>") != std::string_view::npos);

    CHECK(client.describe_job(std::string(wf.id())).id() == wf.id());
    auto several = client.describe_jobs({std::string(wf.id()), "b00000000000000000000000000000000"});
    CHECK(several.size() == 1 && several.non_exist_job_ids().size() == 1);
    auto kept = cibatch::Job::copy(several[0]);
    CHECK(kept.id() == wf.id());

    for (int i = 0; i < 5; i++) client.create_workflow_job(cibatch::WorkflowRequest("p", cibatch::InputKind::Prefix, "p/", "w1"));
    auto page = client.list_jobs(cibatch::ListOptions().type("Workflow").size(2).ascending());
    CHECK(page.size() == 2 && !page.next_token().empty());
    std::size_t seen = 0;
    auto pages = client.for_each_job(cibatch::ListOptions().type("Workflow").size(2), [&](const cibatch::JobView &) { seen++; });
    CHECK(seen == 6 && pages == 3);

    client.cancel_job(std::string(job.id()));
    try {
      client.cancel_job(std::string(job.id()));
      CHECK(false);
    } catch (const cibatch::Error &e) {
      CHECK(e.result() == CIBATCH_SERVICE && e.status() == 400 && e.code() == "InvalidArgument");
      CHECK(!e.request_id().empty() && e.attempts() == 1);
    }

    // A job no describe has moved yet.
    auto waited = client.create_workflow_job(cibatch::WorkflowRequest("hpp-wait", cibatch::InputKind::Prefix, "p/", "w1"));
    std::string states;
    auto done = client.wait_for_job(std::string(waited.id()), 20000, 20, [&](const cibatch::JobView &j) {
      states += std::string(j.state()) + ",";
      return true;
    });
    CHECK(done.state_code() == CIBATCH_STATE_SUCCESS && states == "Submitted,Running,Success,");

    try {
      client.describe_job("b00000000000000000000000000000000");
      CHECK(false);
    } catch (const cibatch::Error &e) {
      CHECK(e.result() == CIBATCH_JOB_NOT_FOUND);
    }
    try {
      client.describe_job("../etc/passwd");
      CHECK(false);
    } catch (const cibatch::Error &e) {
      CHECK(e.result() == CIBATCH_INVALID_INPUT && e.argument() == "job_id");
    }
    try {
      cibatch::Client bad(cibatch::Config("evil.com/x-1", "ap-beijing", "id", "key"));
      CHECK(false);
    } catch (const cibatch::Error &e) {
      CHECK(e.argument() == "bucket");
    }
    auto auth = cibatch::sign("GET", "/inventorytriggerjob/b3deffea2f84911ec9cb15254008618d9", {},
                              {{"host", "examplebucket-1250000000.ci.ap-beijing.myqcloud.com"}},
                              "AKIDtestSecretId1234567890abcdef", "testSecretKey1234567890abcdefghij", 1699999940,
                              1700010000);
    CHECK(auth.find("q-signature=6b3df850d92e7c8feee62297ad13e6c4c4146cce") != std::string::npos);
    CHECK(emu.job_count() == 8);

    // Cancellation, an exception from a wait callback thrown again, and close.
    {
      cibatch::Client other(emu.config());
      cibatch::CancelToken token;
      auto bounded = other.with_cancel(token, 60000);
      CHECK(bounded.list_jobs().size() > 0 && !token.cancelled());
      token.cancel();
      try {
        bounded.list_jobs();
        CHECK(false);
      } catch (const cibatch::Error &e) {
        CHECK(e.result() == CIBATCH_CANCELLED && e.attempts() == 0);
      }
      struct Stop {
        int code;
      };
      // The callback's own exception reaches the caller (not the library's CIBATCH_CANCELLED), once the wait has
      // stopped at it: the callback runs once, and the client works afterwards.
      int calls = 0;
      try {
        other.wait_for_job(std::string(wf.id()), 20000, 20, [&](const cibatch::JobView &) -> bool {
          calls++;
          throw Stop{42};
        });
        CHECK(false);
      } catch (const Stop &s) {
        CHECK(s.code == 42);
      }
      CHECK(calls == 1 && other.describe_job(std::string(wf.id())).id() == wf.id());
      other.close();
      CHECK(other.closed());
      try {
        other.list_jobs();
        CHECK(false);
      } catch (const cibatch::Error &e) {
        CHECK(e.result() == CIBATCH_CLOSED);
      }
    }
  } catch (const cibatch::Error &e) {
    std::fprintf(stderr, "unexpected: %s\n", e.what());
    failed++;
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
