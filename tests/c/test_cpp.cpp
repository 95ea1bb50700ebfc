// The header from C++: it compiles under -Wall -Wextra -Werror -pedantic, and the library works through it.
#include <cstdio>
#include <memory>
#include <string>

#include "cibatch.h"

namespace {
struct ErrorFree { void operator()(cibatch_error *e) const { cibatch_error_free(e); } };
struct EmulatorFree { void operator()(cibatch_emulator *e) const { cibatch_emulator_free(e); } };
struct ConfigFree { void operator()(cibatch_config *c) const { cibatch_config_free(c); } };
struct ClientFree { void operator()(cibatch_client *c) const { cibatch_client_free(c); } };
struct RequestFree { void operator()(cibatch_workflow_request *r) const { cibatch_workflow_request_free(r); } };
struct JobFree { void operator()(cibatch_job *j) const { cibatch_job_free(j); } };

int passed = 0, failed = 0;
void check(bool ok, const char *what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    std::fprintf(stderr, "FAIL: %s\n", what);
  }
}

bool ok(cibatch_result r, cibatch_error *e, const char *what) {
  std::unique_ptr<cibatch_error, ErrorFree> guard(e);
  if (r != CIBATCH_OK) std::fprintf(stderr, "%s: %s\n", what, cibatch_error_message(e));
  check(r == CIBATCH_OK, what);
  return r == CIBATCH_OK;
}
}  // namespace

int main() {
  cibatch_error *err = nullptr;
  cibatch_emulator *emu_raw = nullptr;
  if (!ok(cibatch_emulator_start(0, nullptr, 500, 500, &emu_raw, &err), err, "start emulator")) return 1;
  std::unique_ptr<cibatch_emulator, EmulatorFree> emu(emu_raw);
  // Each describe moves a job one state on: the wait below sees every state, however slow the run.
  err = nullptr;
  if (!ok(cibatch_emulator_set_clock(emu.get(), CIBATCH_EMULATOR_CLOCK_PER_DESCRIBE, &err), err, "clock")) return 1;

  cibatch_config *cfg_raw = nullptr;
  err = nullptr;
  ok(cibatch_emulator_client_config(emu.get(), &cfg_raw, &err), err, "config");
  std::unique_ptr<cibatch_config, ConfigFree> cfg(cfg_raw);
  cibatch_client *client_raw = nullptr;
  err = nullptr;
  ok(cibatch_client_new(cfg.get(), &client_raw, &err), err, "client");
  std::unique_ptr<cibatch_client, ClientFree> client(client_raw);

  cibatch_workflow_request *req_raw = nullptr;
  err = nullptr;
  ok(cibatch_workflow_request_new("from-cpp", CIBATCH_INPUT_PREFIX, "in/", "w1", &req_raw, &err), err, "request");
  std::unique_ptr<cibatch_workflow_request, RequestFree> req(req_raw);
  cibatch_job *job_raw = nullptr;
  err = nullptr;
  ok(cibatch_client_create_workflow_job(client.get(), req.get(), &job_raw, &err), err, "create");
  std::unique_ptr<cibatch_job, JobFree> job(job_raw);
  check(std::string(cibatch_job_name(job.get())) == "from-cpp", "name round-trips");

  cibatch_job *done_raw = nullptr;
  int state_changes = 0;
  err = nullptr;
  ok(cibatch_client_wait_for_job(client.get(), cibatch_job_id(job.get()), 10000, 10, 20,
                                 [](void *count, const cibatch_job *, bool changed) {
                                   if (changed) ++*static_cast<int *>(count);
                                   return true;
                                 }, &state_changes,
                                 &done_raw, &err),
     err, "wait with a lambda callback");
  std::unique_ptr<cibatch_job, JobFree> done(done_raw);
  check(cibatch_job_state_code(done.get()) == CIBATCH_STATE_SUCCESS, "success");
  check(state_changes == 3, "Submitted, Running, Success reported");
  check(std::string(cibatch_version()) == CIBATCH_VERSION, "version");
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
