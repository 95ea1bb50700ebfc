// A user's C++ program, built by scripts/test-dist.sh from the release tarball: create a job, describe it.
#include <cibatch.hpp>
#include <iostream>

int main() {
  try {
    cibatch::Client client(cibatch::Config::from_env());
    cibatch::Job created = client.create_workflow_job(
        cibatch::WorkflowRequest("dist-cpp", cibatch::InputKind::Prefix, "input/", "w7476ff3564ee45b7b490d64bccaba6cc"));
    cibatch::Job job = client.describe_job(std::string(created.id()));
    std::cout << "described " << job.id() << " " << job.name() << " " << job.state() << " with libcibatch "
              << cibatch_version() << "\n";
  } catch (const cibatch::Error &e) {
    std::cerr << "create and describe: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
