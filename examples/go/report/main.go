// Command report prints what happened to each object of a batch job: report JOB_ID. It waits for the batch job
// to end, then prints its report: the outcome, counts by state and the first failed objects.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"sort"
	"time"

	cibatch "github.com/cibatch/cibatch/bindings/go"
)

func main() {
	c, err := cibatch.NewClientFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if _, err := c.WaitForJob(ctx, os.Args[1], cibatch.WaitOptions{PollInterval: 200 * time.Millisecond}); err != nil {
		log.Fatal(err)
	}
	rep, err := c.Report(ctx, os.Args[1], cibatch.ReportOptions{FailedLimit: 5, OnPage: func(p cibatch.ReportProgress) {
		fmt.Printf("  page %d: %d results so far, %d failed\n", p.Pages, p.Results, p.Failed)
	}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s %s: %s, %d results\n", rep.Job.JobID, rep.Job.State, rep.Outcome, rep.Total)
	states := make([]string, 0, len(rep.Counts))
	for s := range rep.Counts {
		states = append(states, s)
	}
	sort.Strings(states)
	for _, s := range states {
		fmt.Printf("  %s: %d\n", s, rep.Counts[s])
	}
	for _, r := range rep.Failed {
		source := r.WorkflowID
		if source == "" {
			source = r.Tag
		}
		fmt.Printf("  failed: %s (%s %s) %s\n", r.Object, r.UnitID, source, r.Message)
	}
}
