// A user's Go program, built by scripts/test-dist.sh in a fresh module outside the repository, with the module
// fetched from target/dist/goproxy: create a job, describe it.
package main

import (
	"context"
	"fmt"
	"log"

	cibatch "github.com/cibatch/cibatch/bindings/go"
)

func main() {
	c, err := cibatch.NewClientFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	created, err := c.CreateWorkflowJob(ctx, cibatch.WorkflowJobRequest{Name: "dist-go",
		WorkflowID: "w7476ff3564ee45b7b490d64bccaba6cc", Input: cibatch.Input{Prefix: "input/"}})
	if err != nil {
		log.Fatal(err)
	}
	job, err := c.DescribeJob(ctx, created.JobID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("described", job.JobID, job.Name, job.State, "with libcibatch", cibatch.Version(), "build",
		cibatch.BuildID())
}
