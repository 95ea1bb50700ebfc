// Command describe_jobs describes several jobs in one request: describe_jobs JOB_ID [JOB_ID...]
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
	res, err := c.DescribeJobs(context.Background(), os.Args[1:])
	if err != nil {
		log.Fatal(err)
	}
	for _, j := range res.Jobs {
		fmt.Println(j.JobID, j.State, j.Name)
	}
	for _, id := range res.NonExistJobIDs {
		fmt.Println(id, "does not exist")
	}
}
