// Command list_jobs lists every job of a type across pages: list_jobs [Workflow|Job]
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	cibatch "github.com/cibatch/cibatch/bindings/go"
)

func main() {
	c, err := cibatch.NewClientFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	jobType := "Workflow"
	if len(os.Args) > 1 {
		jobType = os.Args[1]
	}
	n := 0
	for job, err := range c.AllJobs(context.Background(), cibatch.ListOptions{Type: jobType, Size: 10}) {
		if err != nil {
			log.Fatal(err)
		}
		n++
		fmt.Println(job.JobID, job.State, job.CreationTime, job.Name)
	}
	fmt.Println(n, "job(s)")
}
