// Command wait_for_job waits for a job to finish, printing each state: wait_for_job JOB_ID
package main

import (
	"context"
	"fmt"
	"log"
	"os"
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
	job, err := c.WaitForJob(ctx, os.Args[1], cibatch.WaitOptions{PollInterval: 200 * time.Millisecond,
		OnState: func(j cibatch.Job) { fmt.Println("  state:", j.State) }})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(job.JobID, "ended", job.State, job.Code)
}
