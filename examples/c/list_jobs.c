/* List every job of a type across pages: list_jobs [Workflow|Job] */
#include "common.h"

int main(int argc, char **argv) {
  cibatch_client *client = client_from_env();
  cibatch_list_options *opts = NULL;
  cibatch_pager *pager = NULL;
  cibatch_job_list *page = NULL;
  cibatch_error *error = NULL;
  size_t i;
  if (cibatch_list_options_new(&opts, &error) ||
      cibatch_list_options_set_type(opts, argc > 1 ? argv[1] : "Workflow", &error) ||
      cibatch_list_options_set_size(opts, 10, &error) || cibatch_client_pages(client, opts, &pager, &error))
    die("list options", error);
  for (;;) {
    if (cibatch_pager_next(pager, &page, &error)) die("list jobs", error);
    if (!page) break;
    printf("page %u: %zu job(s)\n", cibatch_pager_pages_fetched(pager), cibatch_job_list_count(page));
    for (i = 0; i < cibatch_job_list_count(page); i++) {
      const cibatch_job *job = cibatch_job_list_get(page, i);
      printf("  %s %s %s\n", cibatch_job_id(job), cibatch_job_state(job), cibatch_job_name(job));
    }
    cibatch_job_list_free(page);
  }
  cibatch_pager_free(pager);
  cibatch_list_options_free(opts);
  cibatch_client_free(client);
  return 0;
}
