// cibatch.hpp: a header-only C++17 wrapper over cibatch.h. RAII handles (move-only), exceptions
// (cibatch::Error) for failures, std::string_view getters borrowed from their handle.
//
//   cibatch::Client client(cibatch::Config::from_env());
//   cibatch::Job job = client.describe_job("b3deffea2f84911ec9cb15254008618d9");
//   std::cout << job.name() << " " << job.state() << "\n";
//
// Thread safety is the C library's: a Client may be shared by threads; requests and options may not.
#ifndef CIBATCH_HPP
#define CIBATCH_HPP

#if (defined(_MSVC_LANG) ? _MSVC_LANG : __cplusplus) < 201703L
#error "cibatch.hpp needs C++17 or later (g++/clang++: -std=c++17; MSVC: /std:c++17; CMake: cxx_std_17). From C++14 or C, include cibatch.h, the C API, instead."
#else  // the rest of the file: C++17

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cibatch.h"

namespace cibatch {

/// A failed call: what(), plus every field of the C error object.
class Error : public std::runtime_error {
 public:
  explicit Error(cibatch_result result, cibatch_error *e)
      : std::runtime_error(text(cibatch_error_message(e), cibatch_result_name(result))),
        result_(result),
        status_(cibatch_error_status(e)),
        attempts_(cibatch_error_attempts(e)),
        timeout_(cibatch_error_is_timeout(e)),
        code_(text(cibatch_error_code(e))),
        service_message_(text(cibatch_error_service_message(e))),
        request_id_(text(cibatch_error_request_id(e))),
        trace_id_(text(cibatch_error_trace_id(e))),
        argument_(text(cibatch_error_argument(e))) {}

  cibatch_result result() const noexcept { return result_; }
  std::uint16_t status() const noexcept { return status_; }
  std::uint32_t attempts() const noexcept { return attempts_; }
  bool is_timeout() const noexcept { return timeout_; }
  const std::string &code() const noexcept { return code_; }
  const std::string &service_message() const noexcept { return service_message_; }
  const std::string &request_id() const noexcept { return request_id_; }
  const std::string &trace_id() const noexcept { return trace_id_; }
  const std::string &argument() const noexcept { return argument_; }

 private:
  static std::string text(const char *s, const char *fallback = "") { return s ? s : fallback; }
  cibatch_result result_;
  std::uint16_t status_;
  std::uint32_t attempts_;
  bool timeout_;
  std::string code_, service_message_, request_id_, trace_id_, argument_;
};

namespace detail {
inline void check(cibatch_result r, cibatch_error *e) {
  if (r != CIBATCH_OK) {
    std::unique_ptr<cibatch_error, void (*)(cibatch_error *)> owned(e, cibatch_error_free);
    throw Error(r, e);
  }
}
inline std::string_view view(const char *s) { return s ? std::string_view(s) : std::string_view(); }
template <class T, void (*Free)(T *)>
struct Free_ {
  void operator()(T *p) const noexcept { Free(p); }
};
template <class T, void (*Free)(T *)>
using Owned = std::unique_ptr<T, Free_<T, Free>>;
}  // namespace detail

// Calls a C function whose last argument is `cibatch_error **`, throwing on failure.
#define CIBATCH_HPP_CALL(fn, ...)                      \
  do {                                                 \
    cibatch_error *cibatch_hpp_err_ = nullptr;         \
    cibatch_result cibatch_hpp_r_ = fn(__VA_ARGS__, &cibatch_hpp_err_); \
    ::cibatch::detail::check(cibatch_hpp_r_, cibatch_hpp_err_); \
  } while (0)

/// A job, borrowed (from a JobList or a callback) or owned. Getters return "" for absent fields; the views live
/// as long as the job (or the list it is borrowed from).
class JobView {
 public:
  explicit JobView(const cibatch_job *j) noexcept : j_(j) {}
  std::string_view id() const { return detail::view(cibatch_job_id(j_)); }
  std::string_view name() const { return detail::view(cibatch_job_name(j_)); }
  std::string_view type() const { return detail::view(cibatch_job_type(j_)); }
  std::string_view state() const { return detail::view(cibatch_job_state(j_)); }
  cibatch_state state_code() const { return cibatch_job_state_code(j_); }
  bool is_terminal() const { return cibatch_job_is_terminal(j_); }
  std::string_view code() const { return detail::view(cibatch_job_code(j_)); }
  std::string_view message() const { return detail::view(cibatch_job_message(j_)); }
  std::string_view creation_time() const { return detail::view(cibatch_job_creation_time(j_)); }
  std::string_view start_time() const { return detail::view(cibatch_job_start_time(j_)); }
  std::string_view end_time() const { return detail::view(cibatch_job_end_time(j_)); }
  std::string_view prefix() const { return detail::view(cibatch_job_input_prefix(j_)); }
  std::string_view manifest() const { return detail::view(cibatch_job_input_manifest(j_)); }
  std::string_view url_file() const { return detail::view(cibatch_job_input_url_file(j_)); }
  std::string_view object() const { return detail::view(cibatch_job_input_object(j_)); }
  std::string_view workflow_ids() const { return detail::view(cibatch_job_workflow_ids(j_)); }
  std::string_view tag() const { return detail::view(cibatch_job_tag(j_)); }
  std::string_view template_id() const { return detail::view(cibatch_job_template_id(j_)); }
  std::string_view job_param_xml() const { return detail::view(cibatch_job_job_param_xml(j_)); }
  std::string_view output_bucket() const { return detail::view(cibatch_job_output_bucket(j_)); }
  std::string_view output_object() const { return detail::view(cibatch_job_output_object(j_)); }
  std::string_view output_xml() const { return detail::view(cibatch_job_output_xml(j_)); }
  std::string_view queue_id() const { return detail::view(cibatch_job_queue_id(j_)); }
  std::string_view raw_xml() const { return detail::view(cibatch_job_raw_xml(j_)); }
  const cibatch_job *get() const noexcept { return j_; }

 protected:
  const cibatch_job *j_;
};

/// An owned job.
class Job : public JobView {
 public:
  explicit Job(cibatch_job *owned) noexcept : JobView(owned), owned_(owned) {}
  /// A copy of a borrowed job that outlives its list.
  static Job copy(const JobView &v) { return Job(cibatch_job_clone(v.get())); }

 private:
  detail::Owned<cibatch_job, cibatch_job_free> owned_;
};

/// Jobs of a describe or of one page.
class JobList {
 public:
  explicit JobList(cibatch_job_list *l) noexcept : l_(l) {}
  std::size_t size() const { return cibatch_job_list_count(l_.get()); }
  JobView operator[](std::size_t i) const { return JobView(cibatch_job_list_get(l_.get(), i)); }
  std::vector<std::string> non_exist_job_ids() const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < cibatch_job_list_non_exist_count(l_.get()); i++)
      out.emplace_back(cibatch_job_list_non_exist_get(l_.get(), i));
    return out;
  }
  /// "" on the last page.
  std::string_view next_token() const { return detail::view(cibatch_job_list_next_token(l_.get())); }
  std::string_view request_id() const { return detail::view(cibatch_job_list_request_id(l_.get())); }

 private:
  detail::Owned<cibatch_job_list, cibatch_job_list_free> l_;
};

class Config {
 public:
  Config(const std::string &bucket, const std::string &region, const std::string &secret_id,
         const std::string &secret_key) {
    cibatch_config *c = nullptr;
    CIBATCH_HPP_CALL(cibatch_config_new, bucket.c_str(), region.c_str(), secret_id.c_str(), secret_key.c_str(), &c);
    c_.reset(c);
  }
  static Config from_env() {
    cibatch_config *c = nullptr;
    CIBATCH_HPP_CALL(cibatch_config_from_env, &c);
    return Config(c);
  }
  Config &token(const std::string &t) { CIBATCH_HPP_CALL(cibatch_config_set_token, c_.get(), t.c_str()); return *this; }
  Config &endpoint(const std::string &e) { CIBATCH_HPP_CALL(cibatch_config_set_endpoint, c_.get(), e.c_str()); return *this; }
  Config &timeouts_ms(std::uint64_t total, std::uint64_t connect = 0, std::uint64_t read = 0) {
    CIBATCH_HPP_CALL(cibatch_config_set_timeouts, c_.get(), total, connect, read);
    return *this;
  }
  /// The retry knobs, one setter each (cibatch.h documents ranges and defaults); a knob left unset keeps the default.
  Config &max_attempts(std::uint32_t n) { CIBATCH_HPP_CALL(cibatch_config_set_max_attempts, c_.get(), n); return *this; }
  Config &retry_create(bool on = true) { CIBATCH_HPP_CALL(cibatch_config_set_retry_create, c_.get(), on); return *this; }
  Config &backoff_ms(std::uint64_t base_ms, std::uint64_t cap_ms) {
    CIBATCH_HPP_CALL(cibatch_config_set_backoff, c_.get(), base_ms, cap_ms);
    return *this;
  }
  /// The three at once (cibatch_config_set_retries, for compatibility): 0 keeps max_attempts, base_ms or cap_ms.
  Config &retries(std::uint32_t max_attempts, bool retry_create = false, std::uint64_t base_ms = 0,
                  std::uint64_t cap_ms = 0) {
    CIBATCH_HPP_CALL(cibatch_config_set_retries, c_.get(), max_attempts, retry_create, base_ms, cap_ms);
    return *this;
  }
  Config &ca_bundle(const std::string &pem) { CIBATCH_HPP_CALL(cibatch_config_set_ca_bundle, c_.get(), pem.c_str()); return *this; }
  Config &proxy(const std::string &url) { CIBATCH_HPP_CALL(cibatch_config_set_proxy, c_.get(), url.c_str()); return *this; }
  Config &clock_offset(std::int64_t s) { CIBATCH_HPP_CALL(cibatch_config_set_clock_offset, c_.get(), s); return *this; }
  const cibatch_config *get() const noexcept { return c_.get(); }

 private:
  explicit Config(cibatch_config *c) noexcept : c_(c) {}
  detail::Owned<cibatch_config, cibatch_config_free> c_;
};

enum class InputKind : std::uint32_t {
  Prefix = CIBATCH_INPUT_PREFIX,
  Manifest = CIBATCH_INPUT_MANIFEST,
  UrlFile = CIBATCH_INPUT_URL_FILE,
  Object = CIBATCH_INPUT_OBJECT,
};

class WorkflowRequest {
 public:
  WorkflowRequest(const std::string &name, InputKind kind, const std::string &input, const std::string &workflow_id) {
    cibatch_workflow_request *r = nullptr;
    CIBATCH_HPP_CALL(cibatch_workflow_request_new, name.c_str(), static_cast<std::uint32_t>(kind), input.c_str(),
                     workflow_id.c_str(), &r);
    r_.reset(r);
  }
  WorkflowRequest &time_interval(const std::string &start, const std::string &end) {
    CIBATCH_HPP_CALL(cibatch_workflow_request_set_time_interval, r_.get(), start.c_str(), end.c_str());
    return *this;
  }
  const cibatch_workflow_request *get() const noexcept { return r_.get(); }

 private:
  detail::Owned<cibatch_workflow_request, cibatch_workflow_request_free> r_;
};

class JobRequest {
 public:
  JobRequest(const std::string &name, const std::string &tag, InputKind kind, const std::string &input) {
    cibatch_job_request *r = nullptr;
    CIBATCH_HPP_CALL(cibatch_job_request_new, name.c_str(), tag.c_str(), static_cast<std::uint32_t>(kind), input.c_str(),
                     &r);
    r_.reset(r);
  }
  JobRequest &param(const std::string &name, const std::string &value) {
    CIBATCH_HPP_CALL(cibatch_job_request_add_param, r_.get(), name.c_str(), value.c_str());
    return *this;
  }
  JobRequest &param_xml(const std::string &fragment) {
    CIBATCH_HPP_CALL(cibatch_job_request_add_param_xml, r_.get(), fragment.c_str());
    return *this;
  }
  JobRequest &output(const std::string &region, const std::string &bucket, const std::string &object) {
    CIBATCH_HPP_CALL(cibatch_job_request_set_output, r_.get(), region.c_str(), bucket.c_str(), object.c_str());
    return *this;
  }
  JobRequest &queue_id(const std::string &q) {
    CIBATCH_HPP_CALL(cibatch_job_request_set_options, r_.get(), q.c_str(), nullptr, nullptr, nullptr, nullptr);
    return *this;
  }
  JobRequest &job_level(std::uint8_t level) {
    CIBATCH_HPP_CALL(cibatch_job_request_set_job_level, r_.get(), level);
    return *this;
  }
  const cibatch_job_request *get() const noexcept { return r_.get(); }

 private:
  detail::Owned<cibatch_job_request, cibatch_job_request_free> r_;
};

class ListOptions {
 public:
  ListOptions() {
    cibatch_list_options *o = nullptr;
    CIBATCH_HPP_CALL(cibatch_list_options_new, &o);
    o_.reset(o);
  }
  ListOptions &type(const std::string &t) { CIBATCH_HPP_CALL(cibatch_list_options_set_type, o_.get(), t.c_str()); return *this; }
  ListOptions &state(const std::string &s) { CIBATCH_HPP_CALL(cibatch_list_options_add_state, o_.get(), s.c_str()); return *this; }
  ListOptions &size(std::uint32_t n) { CIBATCH_HPP_CALL(cibatch_list_options_set_size, o_.get(), n); return *this; }
  ListOptions &ascending(bool asc = true) {
    CIBATCH_HPP_CALL(cibatch_list_options_set_order, o_.get(),
                     static_cast<std::uint32_t>(asc ? CIBATCH_ORDER_ASC : CIBATCH_ORDER_DESC));
    return *this;
  }
  ListOptions &next_token(const std::string &t) {
    CIBATCH_HPP_CALL(cibatch_list_options_set_next_token, o_.get(), t.empty() ? nullptr : t.c_str());
    return *this;
  }
  const cibatch_list_options *get() const noexcept { return o_.get(); }

 private:
  detail::Owned<cibatch_list_options, cibatch_list_options_free> o_;
};

/// Stops the calls of every Client made with it (Client::with_cancel) when cancel() is called from any thread.
class CancelToken {
 public:
  CancelToken() {
    cibatch_cancel *c = nullptr;
    CIBATCH_HPP_CALL(cibatch_cancel_new, &c);
    c_.reset(c);
  }
  void cancel() const noexcept { cibatch_cancel_fire(c_.get()); }
  bool cancelled() const noexcept { return cibatch_cancel_is_fired(c_.get()); }
  const cibatch_cancel *get() const noexcept { return c_.get(); }

 private:
  detail::Owned<cibatch_cancel, cibatch_cancel_free> c_;
};

/// A client for one bucket; share one between threads. close() (from any thread, or from inside a callback) makes
/// calls that start afterwards throw Error with CIBATCH_CLOSED while calls in progress finish normally; the
/// destructor frees the client, so destroy it only when no other thread can still start a call on it.
class Client {
 public:
  explicit Client(const Config &config) {
    cibatch_client *c = nullptr;
    CIBATCH_HPP_CALL(cibatch_client_new, config.get(), &c);
    c_.reset(c);
  }
  /// A client sharing this one's connections whose every call stops when `token` fires, and (when timeout_ms is not
  /// 0) within timeout_ms from now; such calls throw Error with CIBATCH_CANCELLED or a timeout.
  Client with_cancel(const CancelToken &token, std::uint64_t timeout_ms = 0) const {
    cibatch_client *c = nullptr;
    CIBATCH_HPP_CALL(cibatch_client_with_cancel, c_.get(), token.get(), timeout_ms, &c);
    return Client(c);
  }
  void close() const noexcept { cibatch_client_close(c_.get()); }
  bool closed() const noexcept { return cibatch_client_is_closed(c_.get()); }
  Job create_workflow_job(const WorkflowRequest &r) const {
    cibatch_job *j = nullptr;
    CIBATCH_HPP_CALL(cibatch_client_create_workflow_job, c_.get(), r.get(), &j);
    return Job(j);
  }
  Job create_job(const JobRequest &r) const {
    cibatch_job *j = nullptr;
    CIBATCH_HPP_CALL(cibatch_client_create_job, c_.get(), r.get(), &j);
    return Job(j);
  }
  Job describe_job(const std::string &id) const {
    cibatch_job *j = nullptr;
    CIBATCH_HPP_CALL(cibatch_client_describe_job, c_.get(), id.c_str(), &j);
    return Job(j);
  }
  JobList describe_jobs(const std::vector<std::string> &ids) const {
    std::vector<const char *> ptrs;
    for (const auto &id : ids) ptrs.push_back(id.c_str());
    cibatch_job_list *l = nullptr;
    CIBATCH_HPP_CALL(cibatch_client_describe_jobs, c_.get(), ptrs.data(), ptrs.size(), &l);
    return JobList(l);
  }
  JobList list_jobs(const ListOptions &o = ListOptions()) const {
    cibatch_job_list *l = nullptr;
    CIBATCH_HPP_CALL(cibatch_client_list_jobs, c_.get(), o.get(), &l);
    return JobList(l);
  }
  /// Calls f for every job of every page; returns the number of pages.
  std::uint32_t for_each_job(const ListOptions &o, const std::function<void(const JobView &)> &f) const {
    cibatch_pager *p = nullptr;
    CIBATCH_HPP_CALL(cibatch_client_pages, c_.get(), o.get(), &p);
    detail::Owned<cibatch_pager, cibatch_pager_free> pager(p);
    for (;;) {
      cibatch_job_list *l = nullptr;
      CIBATCH_HPP_CALL(cibatch_pager_next, pager.get(), &l);
      if (!l) return cibatch_pager_pages_fetched(pager.get());
      JobList page(l);
      for (std::size_t i = 0; i < page.size(); i++) f(page[i]);
    }
  }
  void cancel_job(const std::string &id) const { CIBATCH_HPP_CALL(cibatch_client_cancel_job, c_.get(), id.c_str()); }
  /// Waits for a terminal state; on_state (optional) sees each state change and may return false to stop. An
  /// exception thrown by on_state stops the wait and is thrown again here, once the library has returned.
  Job wait_for_job(const std::string &id, std::uint64_t max_wait_ms = 0, std::uint64_t poll_ms = 0,
                   std::function<bool(const JobView &)> on_state = nullptr) const {
    struct Ctx {
      std::function<bool(const JobView &)> *f;
      std::exception_ptr thrown;
    } ctx{&on_state, nullptr};
    auto trampoline = [](void *ud, const cibatch_job *j, bool changed) -> bool {
      auto *c = static_cast<Ctx *>(ud);
      if (!changed || !*c->f) return true;
      try {
        return (*c->f)(JobView(j));
      } catch (...) {
        c->thrown = std::current_exception();  // exceptions must not cross the C library: thrown again below
        return false;
      }
    };
    cibatch_job *j = nullptr;
    cibatch_error *e = nullptr;
    cibatch_result r =
        cibatch_client_wait_for_job(c_.get(), id.c_str(), max_wait_ms, poll_ms, 0, trampoline, &ctx, &j, &e);
    if (ctx.thrown) {  // the wait stopped because on_state threw: that exception, not the library's Cancelled
      cibatch_error_free(e);
      cibatch_job_free(j);
      std::rethrow_exception(ctx.thrown);
    }
    detail::check(r, e);
    return Job(j);
  }
  const cibatch_client *get() const noexcept { return c_.get(); }

 private:
  explicit Client(cibatch_client *c) noexcept : c_(c) {}
  detail::Owned<cibatch_client, cibatch_client_free> c_;
};

/// The local emulator, for tests.
class Emulator {
 public:
  explicit Emulator(std::uint16_t port = 0, const char *token = nullptr, std::uint64_t submitted_ms = 0,
                    std::uint64_t running_ms = 0) {
    cibatch_emulator *e = nullptr;
    CIBATCH_HPP_CALL(cibatch_emulator_start, port, token, submitted_ms, running_ms, &e);
    e_.reset(e);
  }
  Config config() const {
    Config c(std::string(bucket()), std::string(region()), std::string(detail::view(cibatch_emulator_secret_id(e_.get()))),
             std::string(detail::view(cibatch_emulator_secret_key(e_.get()))));
    c.endpoint(std::string(endpoint()));
    if (cibatch_emulator_session_token(e_.get())) c.token(cibatch_emulator_session_token(e_.get()));
    return c;
  }
  std::string_view endpoint() const { return detail::view(cibatch_emulator_endpoint(e_.get())); }
  std::string_view bucket() const { return detail::view(cibatch_emulator_bucket(e_.get())); }
  std::string_view region() const { return detail::view(cibatch_emulator_region(e_.get())); }
  std::size_t job_count() const { return cibatch_emulator_job_count(e_.get()); }
  void inject_status(std::uint16_t status, const std::string &code, std::uint32_t times = 1) const {
    CIBATCH_HPP_CALL(cibatch_emulator_inject_status, e_.get(), status, code.c_str(), times);
  }
  /// What moves jobs (see cibatch_emulator_clock): tests of state sequences use CIBATCH_EMULATOR_CLOCK_PER_DESCRIBE.
  void set_clock(cibatch_emulator_clock clock) const {
    CIBATCH_HPP_CALL(cibatch_emulator_set_clock, e_.get(), static_cast<std::uint32_t>(clock));
  }
  /// Moves the job clock forward by `ms` milliseconds.
  void advance(std::uint64_t ms) const { cibatch_emulator_advance(e_.get(), ms); }

 private:
  detail::Owned<cibatch_emulator, cibatch_emulator_free> e_;
};

/// The Authorization value for any COS/CI request (see cibatch_sign).
inline std::string sign(const std::string &method, const std::string &path,
                        const std::vector<std::pair<std::string, std::string>> &params,
                        const std::vector<std::pair<std::string, std::string>> &headers, const std::string &secret_id,
                        const std::string &secret_key, std::int64_t start, std::int64_t end) {
  std::vector<const char *> pn, pv, hn, hv;
  for (const auto &p : params) pn.push_back(p.first.c_str()), pv.push_back(p.second.c_str());
  for (const auto &h : headers) hn.push_back(h.first.c_str()), hv.push_back(h.second.c_str());
  char *out = nullptr;
  CIBATCH_HPP_CALL(cibatch_sign, method.c_str(), path.c_str(), pn.data(), pv.data(), pn.size(), hn.data(), hv.data(),
                   hn.size(), secret_id.c_str(), secret_key.c_str(), start, end, &out);
  std::string s(out);
  cibatch_string_free(out);
  return s;
}

}  // namespace cibatch

#endif  // C++17

#endif  // CIBATCH_HPP
